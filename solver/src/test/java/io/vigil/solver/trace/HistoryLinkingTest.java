package io.vigil.solver.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link History} links results to calls as the straightforward algorithm does (by id: the
 * latest call with it; else the latest unanswered call of the result's tool), which this test
 * keeps as the reference, on random sessions with reused ids, missing ids, results for other
 * tools, results without calls, and sessions long enough to switch History to its id index.
 */
class HistoryLinkingTest {

  @Property(tries = 3_000)
  void linksEveryResultAsTheReferenceDoes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int length) {
    Random random = new Random(seed);
    int ids = 1 + random.nextInt(random.nextBoolean() ? 4 : 200);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      String tool = "t" + random.nextInt(3);
      String id = random.nextInt(8) == 0 ? null : "c" + random.nextInt(ids);
      Optional<BigDecimal> time = random.nextInt(4) == 0 ? Optional.empty() : Optional.of(BigDecimal.valueOf(i));
      if (random.nextInt(5) < 2) {
        events.add(new Event.ToolResult(id, tool, Optional.of(Value.of(i)), Optional.empty(), Map.of(), time));
      } else if (random.nextInt(6) == 0) {
        events.add(new Event.UserMessage("m" + i, time));
      } else {
        events.add(new Event.ToolCall(id, tool, Map.of("n", Value.of(i)), time));
      }
    }
    History history = History.of(events);
    List<Event.ToolCall> expected = Reference.link(events);
    Optional<BigDecimal> resolved = Optional.empty();
    for (int i = 0; i < events.size(); i++) {
      resolved = events.get(i).time().isPresent() ? events.get(i).time() : resolved;
      assertEquals(resolved, history.time(i), "time of event " + i);
      if (events.get(i) instanceof Event.ToolResult result) {
        Event.ToolResult linked = (Event.ToolResult) history.get(i);
        Event.ToolCall call = expected.get(i);
        assertEquals(call == null ? result.args() : call.args(), linked.args(), "arguments of result " + i + " (seed " + seed + ")");
        assertEquals(result.id(), linked.id());
        assertEquals(result.tool(), linked.tool());
        assertEquals(result.output(), linked.output());
        if (call != null && call.id() != null && call.id().equals(result.id())) {
          assertSame(call.id(), linked.id(), "the call's id is shared");
        }
      } else {
        assertSame(events.get(i), history.get(i));
      }
    }
  }

  /** The linking History did with a map of calls by id and a list of unanswered calls per tool. */
  private static final class Reference {
    static List<Event.ToolCall> link(List<Event> events) {
      Map<String, Event.ToolCall> callsById = new HashMap<>();
      Map<String, List<Integer>> unansweredByTool = new HashMap<>();
      List<Event.ToolCall> links = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        Event event = events.get(i);
        Event.ToolCall link = null;
        if (event instanceof Event.ToolCall call) {
          if (call.id() != null) {
            callsById.put(call.id(), call);
          }
          unansweredByTool.computeIfAbsent(call.tool(), t -> new ArrayList<>()).add(i);
        } else if (event instanceof Event.ToolResult result) {
          List<Integer> open = unansweredByTool.getOrDefault(result.tool(), new ArrayList<>());
          if (result.id() != null && callsById.containsKey(result.id())) {
            Event.ToolCall call = callsById.get(result.id());
            open.removeIf(j -> events.get(j) == call);
            link = call;
          } else if (!open.isEmpty()) {
            link = (Event.ToolCall) events.get(open.remove(open.size() - 1));
          }
        }
        links.add(link);
      }
      return links;
    }
  }
}
