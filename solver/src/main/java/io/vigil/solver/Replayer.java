package io.vigil.solver;

import io.vigil.solver.decision.Decision;
import io.vigil.solver.monitor.Monitor;
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
      historyLines = historyLines instanceof Lines.Prefix ? historyLines : List.copyOf(historyLines);
    }

    public Step(Trace.Line line, Event.ToolCall call, Decision decision, int historyPosition) {
      this(line, call, decision, historyPosition, List.of());
    }

    /** The trace line index of a history position; the candidate's own position maps to its line. */
    public int traceLine(int position) {
      return position == historyPosition ? line.index() : historyLines.get(position);
    }
  }

  /** Replays with the incremental engine (a session {@link io.vigil.solver.monitor.Monitor}). */
  public static List<Step> replay(PolicyDecider decider, Trace trace) {
    return replay(decider, trace, PolicyDecider.Engine.INCREMENTAL);
  }

  public static List<Step> replay(PolicyDecider decider, Trace trace, PolicyDecider.Engine engine) {
    Monitor monitor = engine == PolicyDecider.Engine.INCREMENTAL ? decider.newMonitor() : null;
    History history = monitor != null ? monitor.history() : new History();
    Set<String> deniedIds = new HashSet<>();
    List<Step> steps = new ArrayList<>();
    Lines historyLines = new Lines();
    for (Trace.Line line : trace.lines()) {
      Event event = line.event();
      if (event instanceof Event.ToolCall call) {
        Decision decision = monitor != null ? decider.decide(monitor, call) : decider.decide(history, call, engine);
        steps.add(new Step(line, call, decision, history.size(), historyLines.prefix()));
        if (decision.allowed()) {
          append(monitor, history, call);
          historyLines.add(line.index());
        } else if (call.id() != null) {
          deniedIds.add(call.id());
        }
      } else if (event instanceof Event.ToolResult result && result.id() != null && deniedIds.contains(result.id())) {
        continue;
      } else {
        append(monitor, history, event);
        historyLines.add(line.index());
      }
    }
    return steps;
  }

  private static void append(Monitor monitor, History history, Event event) {
    if (monitor != null) {
      monitor.append(event);
    } else {
      history.append(event);
    }
  }

  /** Trace line indexes of history positions; append-only, so each step keeps a prefix view, not a copy. */
  private static final class Lines {
    private int[] items = new int[16];
    private int size;

    void add(int line) {
      if (size == items.length) {
        items = java.util.Arrays.copyOf(items, size * 2);
      }
      items[size++] = line;
    }

    List<Integer> prefix() {
      return new Prefix(this, size);
    }

    /** The first {@code size} lines; later appends do not change it. */
    static final class Prefix extends java.util.AbstractList<Integer> implements java.util.RandomAccess {
      private final Lines lines;
      private final int size;

      Prefix(Lines lines, int size) {
        this.lines = lines;
        this.size = size;
      }

      @Override
      public Integer get(int index) {
        java.util.Objects.checkIndex(index, size);
        return lines.items[index];
      }

      @Override
      public int size() {
        return size;
      }
    }
  }
}
