package io.vigil.dsl.check;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.tree.SourcePosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the diagnostics of one check. */
final class Reporter {
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  void error(SourcePosition position, String message) {
    diagnostics.add(Diagnostic.error(position, message));
  }

  void error(SourcePosition position, String message, Diagnostic.Code code) {
    diagnostics.add(new Diagnostic(position, Diagnostic.Severity.ERROR, message, code));
  }

  void warning(SourcePosition position, String message) {
    diagnostics.add(Diagnostic.warning(position, message));
  }

  /** Everything reported, in source order. */
  List<Diagnostic> sorted() {
    List<Diagnostic> result = new ArrayList<>(diagnostics);
    result.sort(Comparator.comparingInt((Diagnostic d) -> d.position().line())
        .thenComparingInt(d -> d.position().column()));
    return List.copyOf(result);
  }
}
