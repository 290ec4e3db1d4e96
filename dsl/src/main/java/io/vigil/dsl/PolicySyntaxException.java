package io.vigil.dsl;

import java.util.List;

/** A policy file or expression that does not parse. */
public class PolicySyntaxException extends PolicyException {
  public PolicySyntaxException(List<Diagnostic> diagnostics) {
    super(diagnostics);
  }
}
