package io.vigil.solver.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The example policies' traces (examples/*&#47;tests/*.jsonl) replayed with the incremental engine
 * give exactly the decisions of the fast evaluator (verdicts, reasons, witnesses, alternatives),
 * with indexes from the first event and with the default threshold.
 */
class ExamplesReplayTest {
  static final Path EXAMPLES = Files.isDirectory(Path.of("..", "examples")) ? Path.of("..", "examples") : Path.of("examples");

  @Test
  void incrementalReplayDecidesLikeTheEvaluator() throws IOException {
    int traces = 0;
    int decisions = 0;
    List<Path> policies;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      policies = files.filter(Files::isDirectory).sorted().flatMap(ExamplesReplayTest::policyFiles).toList();
    }
    assertFalse(policies.isEmpty(), "no example policies under " + EXAMPLES.toAbsolutePath());
    for (Path policyFile : policies) {
      LoadedPolicy loaded = PolicyLoader.load(policyFile);
      for (int indexFrom : new int[] {0, MonitorPlan.DEFAULT_INDEX_FROM}) {
        try (PolicyDecider decider = new PolicyDecider(loaded.policy(), "test", indexFrom)) {
          for (Path file : traces(policyFile.getParent().resolve("tests"))) {
            Trace trace = TraceReader.read(file);
            List<Replayer.Step> fast = Replayer.replay(decider, trace, PolicyDecider.Engine.FAST);
            List<Replayer.Step> incremental = Replayer.replay(decider, trace);
            assertEquals(fast.size(), incremental.size(), file.toString());
            for (int i = 0; i < fast.size(); i++) {
              Decision expected = fast.get(i).decision();
              Decision actual = incremental.get(i).decision();
              String where = file + " call " + i + " (index from " + indexFrom + ")";
              assertEquals(expected.allowed(), actual.allowed(), where);
              assertEquals(expected.violations(), actual.violations(), where);
              assertEquals(expected.engineError(), actual.engineError(), where);
              // alternatives are a set of values per argument; Z3 may find them in another order
              assertEquals(asSets(expected.alternatives()), asSets(actual.alternatives()), where);
              assertEquals(fast.get(i).historyLines(), incremental.get(i).historyLines(), file + " call " + i);
            }
            compactDecidesLikeTheEvaluator(decider, trace, fast, file + " (compact, index from " + indexFrom + ")");
            traces++;
            decisions += fast.size();
          }
        }
      }
    }
    System.out.printf("incremental == fast on the examples: %d trace replays, %d decisions%n", traces, decisions);
    assertFalse(traces == 0);
  }

  /**
   * A compact monitor (outputs cut to what the rules read) replaying the trace under enforcement
   * gives the evaluator's verdicts, reasons and witnesses (its decisions carry no alternatives).
   */
  private static void compactDecidesLikeTheEvaluator(PolicyDecider decider, Trace trace, List<Replayer.Step> fast,
      String where) {
    Monitor compact = decider.monitorPlan().newCompactMonitor();
    Set<String> deniedIds = new HashSet<>();
    int step = 0;
    for (Trace.Line line : trace.lines()) {
      Event event = line.event();
      if (event instanceof Event.ToolCall call) {
        Decision expected = fast.get(step).decision();
        Decision actual = compact.decide(PolicyDecider.situation(compact.history(), call));
        assertEquals(expected.allowed(), actual.allowed(), where + " call " + step);
        assertEquals(expected.violations(), actual.violations(), where + " call " + step);
        assertEquals(expected.engineError(), actual.engineError(), where + " call " + step);
        step++;
        if (actual.allowed()) {
          compact.append(call);
        } else if (call.id() != null) {
          deniedIds.add(call.id());
        }
      } else if (!(event instanceof Event.ToolResult r && r.id() != null && deniedIds.contains(r.id()))) {
        compact.append(event);
      }
    }
    assertEquals(fast.size(), step, where);
  }

  private static Map<String, Set<Value>> asSets(Map<String, List<Value>> alternatives) {
    Map<String, Set<Value>> out = new HashMap<>();
    alternatives.forEach((k, v) -> out.put(k, new HashSet<>(v)));
    return out;
  }

  private static Stream<Path> policyFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".vigil")).sorted().toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> traces(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
  }
}
