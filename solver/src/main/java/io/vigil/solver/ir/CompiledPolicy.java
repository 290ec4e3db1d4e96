package io.vigil.solver.ir;

import io.vigil.dsl.tree.Policy;
import java.util.List;

/** A checked policy compiled to first-order formulas, one per rule. */
public record CompiledPolicy(Policy source, String version, List<CompiledRule> rules) {
  public CompiledPolicy {
    rules = List.copyOf(rules);
  }
}
