package io.vigil.guard.cli;

import io.vigil.solver.PolicyDecider;

/** Values of {@code --engine}: the incremental monitor, the scanning evaluator, or Z3 (the reference). */
enum EngineOption {
  incremental(PolicyDecider.Engine.INCREMENTAL),
  fast(PolicyDecider.Engine.FAST),
  z3(PolicyDecider.Engine.Z3);

  final PolicyDecider.Engine engine;

  EngineOption(PolicyDecider.Engine engine) {
    this.engine = engine;
  }
}
