package io.vigil.dsl;

import java.util.List;
import java.util.stream.Collectors;

/** A policy file that cannot be used: at least one of its diagnostics is an error. */
public class PolicyException extends RuntimeException {
  private final List<Diagnostic> diagnostics;

  public PolicyException(List<Diagnostic> diagnostics) {
    super(describe(diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** Every diagnostic, errors and warnings, in the order they were found. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  private static String describe(List<Diagnostic> diagnostics) {
    return diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
  }
}
