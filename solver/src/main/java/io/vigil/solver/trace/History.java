package io.vigil.solver.trace;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The events a session has recorded, in order. Appending links each result to the call it answers
 * (by id, else the latest unanswered call of the same tool) and resolves event times: an event
 * without a time takes the time of the event before it.
 */
public final class History {
  private final List<Event> events = new ArrayList<>();
  private final List<Optional<BigDecimal>> times = new ArrayList<>();
  private final Map<String, Event.ToolCall> callsById = new HashMap<>();
  private final Map<String, List<Integer>> unansweredByTool = new HashMap<>();

  public History() {}

  public static History of(List<Event> events) {
    History history = new History();
    events.forEach(history::append);
    return history;
  }

  public void append(Event event) {
    Event stored = event;
    if (event instanceof Event.ToolCall call) {
      if (call.id() != null) {
        callsById.put(call.id(), call);
      }
      unansweredByTool.computeIfAbsent(call.tool(), t -> new ArrayList<>()).add(events.size());
    } else if (event instanceof Event.ToolResult result) {
      stored = result.withArgs(answeredCall(result).map(Event.ToolCall::args).orElse(result.args()));
    }
    Optional<BigDecimal> time = event.time().or(() -> times.isEmpty() ? Optional.empty() : times.get(times.size() - 1));
    events.add(stored);
    times.add(time);
  }

  private Optional<Event.ToolCall> answeredCall(Event.ToolResult result) {
    List<Integer> open = unansweredByTool.getOrDefault(result.tool(), List.of());
    if (result.id() != null && callsById.containsKey(result.id())) {
      Event.ToolCall call = callsById.get(result.id());
      open.removeIf(i -> events.get(i) == call);
      return Optional.of(call);
    }
    if (!open.isEmpty()) {
      return Optional.of((Event.ToolCall) events.get(open.remove(open.size() - 1)));
    }
    return Optional.empty();
  }

  public int size() {
    return events.size();
  }

  public Event get(int index) {
    return events.get(index);
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  /** The resolved time of an event: its own, else that of the latest earlier event with one. */
  public Optional<BigDecimal> time(int index) {
    return times.get(index);
  }

  public History copy() {
    return History.of(events);
  }
}
