package io.vigil.solver.eval;

import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import java.math.BigDecimal;

/**
 * What a decision looks at: the history e0..e(n-1), the candidate call at position n, and the
 * time of the candidate ({@code now}). Events without a time are taken to happen now.
 */
public record Situation(History history, Event.ToolCall candidate, BigDecimal now) {
  public int candidatePosition() {
    return history.size();
  }

  public Event event(int position) {
    return position == history.size() ? candidate : history.get(position);
  }

  public BigDecimal time(int position) {
    return position == history.size() ? now : history.time(position).orElse(now);
  }
}
