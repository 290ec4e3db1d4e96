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
  /** Past this many calls scanned to link one result by id, the calls are indexed by id from then on. */
  private static final int SCAN_LIMIT = 32;

  private final List<Event> events = new ArrayList<>();
  private final List<Optional<BigDecimal>> times = new ArrayList<>();
  /** Positions of the calls, ascending. */
  private int[] calls = new int[4];
  private int callCount;
  /** Positions of the calls no result has answered yet, ascending. */
  private int[] unanswered = new int[2];
  private int unansweredCount;
  /**
   * The latest call of each id; null until a result had to look far back for its call. Idle
   * sessions are many and their results answer recent calls, so they scan instead of keeping a map.
   */
  private Map<String, Event.ToolCall> callsById;

  public History() {}

  public static History of(List<Event> events) {
    History history = new History();
    events.forEach(history::append);
    return history;
  }

  public void append(Event event) {
    Event stored = event;
    if (event instanceof Event.ToolCall call) {
      if (call.id() != null && callsById != null) {
        callsById.put(call.id(), call);
      }
      calls = push(calls, callCount++, events.size());
      unanswered = push(unanswered, unansweredCount++, events.size());
    } else if (event instanceof Event.ToolResult result) {
      stored = answeredCall(result).map(result::answering).orElse(result);
    }
    Optional<BigDecimal> time = event.time().or(() -> times.isEmpty() ? Optional.empty() : times.get(times.size() - 1));
    events.add(stored);
    times.add(time);
  }

  /** The call a result answers: the latest call with its id, else the latest unanswered call of its tool. */
  private Optional<Event.ToolCall> answeredCall(Event.ToolResult result) {
    if (result.id() != null) {
      Event.ToolCall call = latestCall(result.id());
      if (call != null) {
        // answered only as a call of the result's tool (a result naming another tool leaves its call open)
        for (int i = unansweredCount - 1; i >= 0 && call.tool().equals(result.tool()); i--) {
          if (events.get(unanswered[i]) == call) {
            removeUnanswered(i);
            break;
          }
        }
        return Optional.of(call);
      }
    }
    for (int i = unansweredCount - 1; i >= 0; i--) {
      Event.ToolCall call = (Event.ToolCall) events.get(unanswered[i]);
      if (call.tool().equals(result.tool())) {
        removeUnanswered(i);
        return Optional.of(call);
      }
    }
    return Optional.empty();
  }

  private Event.ToolCall latestCall(String id) {
    if (callsById != null) {
      return callsById.get(id);
    }
    for (int i = callCount - 1; i >= 0 && i >= callCount - SCAN_LIMIT; i--) {
      Event.ToolCall call = (Event.ToolCall) events.get(calls[i]);
      if (id.equals(call.id())) {
        return call;
      }
    }
    if (callCount <= SCAN_LIMIT) {
      return null;
    }
    callsById = new HashMap<>();
    for (int i = 0; i < callCount; i++) {
      Event.ToolCall call = (Event.ToolCall) events.get(calls[i]);
      if (call.id() != null) {
        callsById.put(call.id(), call);
      }
    }
    return callsById.get(id);
  }

  private void removeUnanswered(int i) {
    System.arraycopy(unanswered, i + 1, unanswered, i, unansweredCount - i - 1);
    unansweredCount--;
  }

  private static int[] push(int[] array, int size, int value) {
    int[] out = size == array.length ? java.util.Arrays.copyOf(array, size + Math.max(2, size >> 1)) : array;
    out[size] = value;
    return out;
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
