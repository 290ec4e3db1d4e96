package io.vigil.guard.cli;

import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil compile --smt2}: what Z3 is asked about the last call of a trace. */
@Command(
    name = "compile",
    description = {
      "Print the SMT-LIB 2 query Z3 decides for the LAST tool_call of a trace, against the history "
          + "before it (the trace replayed under enforcement)."
    })
final class CompileCommand extends Verb {
  @Mixin PolicyOptions policyOptions;

  @Option(names = "--smt2", required = true, description = "Print SMT-LIB 2 (the only output so far).")
  boolean smt2;

  @Option(names = "--trace", required = true, paramLabel = "FILE", description = "A trace (JSON Lines).")
  Path tracePath;

  @Override
  int run() {
    Trace trace = Inputs.trace(tracePath);
    try (PolicyDecider decider = policyOptions.decider(err())) {
      List<Replayer.Step> steps = Replayer.replay(decider, trace, policyOptions.engine.engine);
      if (steps.isEmpty()) {
        throw new CliException(tracePath + ": the trace has no tool_call");
      }
      Replayer.Step last = steps.get(steps.size() - 1);
      Map<Integer, Event> byIndex = trace.lines().stream()
          .collect(Collectors.toMap(Trace.Line::index, Trace.Line::event));
      History history = History.of(last.historyLines().stream().map(byIndex::get).toList());
      out().print(decider.smt2(history, last.call()));
      out().println();
    }
    return ExitCodes.OK;
  }
}
