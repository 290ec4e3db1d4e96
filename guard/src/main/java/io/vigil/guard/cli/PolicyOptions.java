package io.vigil.guard.cli;

import io.vigil.dsl.LoadedPolicy;
import io.vigil.solver.PolicyDecider;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --policy FILE --engine incremental|fast|z3}, shared by the verbs that decide calls. */
final class PolicyOptions {
  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy (*.vigil).")
  Path policy;

  @Option(names = "--engine", defaultValue = "incremental", paramLabel = "incremental|fast|z3",
      description = "Decide with the incremental monitor (default), the scanning evaluator, or Z3. "
          + "Alternatives always come from Z3.")
  EngineOption engine;

  /** Loads and checks the policy (warnings to {@code err}) and opens a decider on it. */
  PolicyDecider decider(PrintWriter err) {
    return open(Inputs.policy(policy), err);
  }

  static PolicyDecider open(LoadedPolicy loaded, PrintWriter err) {
    loaded.warnings().forEach(err::println);
    return new PolicyDecider(loaded.policy(), loaded.sourceHash().substring(0, 12));
  }
}
