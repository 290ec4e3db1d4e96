package io.vigil.solver.z3;

import io.vigil.solver.eval.EventMatch;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Value;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The scalar values a session has seen (arguments, outputs, object keys): where alternatives come from. */
public final class CandidateValues {
  private static final int LIMIT = 400;

  private CandidateValues() {}

  static List<Value> seenIn(History history) {
    return seenIn(history, LIMIT);
  }

  /** At most {@code limit} distinct scalars: call arguments, result outputs and object keys. */
  public static List<Value> seenIn(History history, int limit) {
    Set<Value> out = new LinkedHashSet<>();
    for (Event e : history.events()) {
      EventMatch.args(e).values().forEach(v -> collect(v, out));
      if (e instanceof Event.ToolResult r) {
        r.output().ifPresent(v -> collect(v, out));
      }
    }
    return out.stream().limit(limit).toList();
  }

  private static void collect(Value v, Set<Value> out) {
    if (v instanceof Value.ListVal l) {
      l.elements().forEach(e -> collect(e, out));
    } else if (v instanceof Value.Obj o) {
      o.fields().keySet().forEach(k -> out.add(Value.of(k)));
      o.fields().values().forEach(e -> collect(e, out));
    } else if (v instanceof Value.Str || v instanceof Value.Num) {
      out.add(v);
    }
  }
}
