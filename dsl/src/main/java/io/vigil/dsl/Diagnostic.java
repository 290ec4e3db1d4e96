package io.vigil.dsl;

import io.vigil.dsl.tree.SourcePosition;
import java.util.Objects;

/** A problem found in a policy file, reported at the position of the offending node. */
public record Diagnostic(SourcePosition position, Severity severity, String message) {
  public enum Severity {
    ERROR("error"), WARNING("warning");

    private final String label;

    Severity(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  public Diagnostic {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(SourcePosition position, String message) {
    return new Diagnostic(position, Severity.ERROR, message);
  }

  public static Diagnostic warning(SourcePosition position, String message) {
    return new Diagnostic(position, Severity.WARNING, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:col: error: message}. */
  @Override
  public String toString() {
    return position + ": " + severity + ": " + message;
  }
}
