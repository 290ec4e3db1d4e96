package io.vigil.solver;

import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Replays a trace under enforcement: every tool call is decided against the history so far; an
 * allowed call enters the history, a denied one does not, and neither does a result answering it.
 */
public final class Replayer {
  private Replayer() {}

  /**
   * One decided call. {@code historyLines} gives, for each history position before the call, the
   * 0-based trace line index its event came from, so witnesses can be mapped back to the trace.
   */
  public record Step(
      Trace.Line line, Event.ToolCall call, Decision decision, int historyPosition, List<Integer> historyLines) {
    public Step {
      historyLines = List.copyOf(historyLines);
    }

    public Step(Trace.Line line, Event.ToolCall call, Decision decision, int historyPosition) {
      this(line, call, decision, historyPosition, List.of());
    }

    /** The trace line index of a history position; the candidate's own position maps to its line. */
    public int traceLine(int position) {
      return position == historyPosition ? line.index() : historyLines.get(position);
    }
  }

  public static List<Step> replay(PolicyDecider decider, Trace trace, PolicyDecider.Engine engine) {
    History history = new History();
    Set<String> deniedIds = new HashSet<>();
    List<Step> steps = new ArrayList<>();
    List<Integer> historyLines = new ArrayList<>();
    for (Trace.Line line : trace.lines()) {
      Event event = line.event();
      if (event instanceof Event.ToolCall call) {
        Decision decision = decider.decide(history, call, engine);
        steps.add(new Step(line, call, decision, history.size(), historyLines));
        if (decision.allowed()) {
          history.append(call);
          historyLines.add(line.index());
        } else if (call.id() != null) {
          deniedIds.add(call.id());
        }
      } else if (event instanceof Event.ToolResult result && result.id() != null && deniedIds.contains(result.id())) {
        continue;
      } else {
        history.append(event);
        historyLines.add(line.index());
      }
    }
    return steps;
  }
}
