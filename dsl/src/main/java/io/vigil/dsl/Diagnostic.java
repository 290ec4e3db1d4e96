package io.vigil.dsl;

import io.vigil.dsl.tree.SourcePosition;
import java.util.Objects;

/**
 * A problem found in a policy file, reported at the position of the offending node. {@code code}
 * marks the few kinds of error that some tools deal with specially.
 */
public record Diagnostic(SourcePosition position, Severity severity, String message, Code code) {
  public enum Code {
    GENERAL,
    /**
     * A named argument that the tool does not declare: the pattern can never match. {@code vigil
     * analyze} still analyses such a policy, to show which rules the misspelling makes vacuous.
     */
    UNKNOWN_PARAMETER
  }

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
    Objects.requireNonNull(code, "code");
  }

  public Diagnostic(SourcePosition position, Severity severity, String message) {
    this(position, severity, message, Code.GENERAL);
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
