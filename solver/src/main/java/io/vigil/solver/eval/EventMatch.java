package io.vigil.solver.eval;

import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.util.Set;

/** What an event pattern's kind and tools test, and what its binder binds; shared by both deciders. */
public final class EventMatch {
  private EventMatch() {}

  public static boolean is(Situation situation, int p, EventKind kind, Set<String> tools) {
    if (p < 0 || p > situation.candidatePosition()) {
      return false;
    }
    Event e = situation.event(p);
    switch (kind) {
      case CALL:
        return e instanceof Event.ToolCall c && (tools.isEmpty() || tools.contains(c.tool()));
      case OK:
        return e instanceof Event.ToolResult r && r.ok() && (tools.isEmpty() || tools.contains(r.tool()));
      case ERROR:
        return e instanceof Event.ToolResult r && !r.ok() && (tools.isEmpty() || tools.contains(r.tool()));
      case USER_MESSAGE:
        return e instanceof Event.UserMessage;
      default:
        return e instanceof Event.AssistantMessage;
    }
  }

  /** The output of an ok result, the error text of a failed one, a message's text; else absent. */
  public static Value payload(Event e, EventKind kind) {
    if (e instanceof Event.ToolResult r) {
      if (kind == EventKind.OK) {
        return r.output().orElse(Value.ABSENT);
      }
      if (kind == EventKind.ERROR) {
        return r.error().<Value>map(Value::of).orElse(Value.ABSENT);
      }
    }
    if (e instanceof Event.UserMessage m && kind == EventKind.USER_MESSAGE) {
      return Value.of(m.text());
    }
    if (e instanceof Event.AssistantMessage m && kind == EventKind.ASSISTANT_MESSAGE) {
      return Value.of(m.text());
    }
    return Value.ABSENT;
  }

  /** The arguments of a call, or of the call a result answers. */
  public static java.util.Map<String, Value> args(Event e) {
    if (e instanceof Event.ToolCall c) {
      return c.args();
    }
    if (e instanceof Event.ToolResult r) {
      return r.args();
    }
    return java.util.Map.of();
  }
}
