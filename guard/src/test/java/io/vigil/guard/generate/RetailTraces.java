package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The retail example's policy and policy-test traces, read from the examples module. */
final class RetailTraces {
  static final Path RETAIL = findRetail();

  private RetailTraces() {}

  static LoadedPolicy policy() {
    return PolicyLoader.load(RETAIL.resolve("retail.vigil"));
  }

  static Trace trace(String name) {
    return TraceReader.read(RETAIL.resolve("tests").resolve(name + ".jsonl"));
  }

  /** The events of a trace before its last tool call (the call under test). */
  static History prefixBeforeLastCall(String name) {
    List<Event> events = trace(name).events();
    return History.of(events.subList(0, lastCall(events)));
  }

  /** The JSON of the trace's last tool call. */
  static ObjectNode lastCallJson(String name) {
    Trace trace = trace(name);
    return (ObjectNode) trace.lines().get(lastCall(trace.events())).raw();
  }

  /** The first {@code count} events of a trace. */
  static History firstEvents(String name, int count) {
    return History.of(trace(name).events().subList(0, count));
  }

  private static int lastCall(List<Event> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i) instanceof Event.ToolCall) {
        return i;
      }
    }
    throw new IllegalArgumentException("the trace has no tool call");
  }

  private static Path findRetail() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("examples/retail");
      if (Files.isRegularFile(candidate.resolve("retail.vigil"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("examples/retail/retail.vigil not found above " + Path.of("").toAbsolutePath());
  }
}
