package io.vigil.guard.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.Event;

/**
 * The outcome of a check: the policy's decision, whether the caller may proceed ({@code allowed},
 * always true in shadow mode), and whether and where the call was recorded. {@code callJson} is
 * the call's trace JSON (with its time); it is shared, not copied: nobody may change it.
 */
public record CheckOutcome(
    String sessionId,
    Event.ToolCall call,
    ObjectNode callJson,
    ActivePolicy policy,
    Decision decision,
    Mode mode,
    boolean recorded,
    long seq,
    long micros) {

  public enum Mode { ENFORCE, SHADOW }

  public enum Verdict { ALLOW, DENY, ERROR }

  /** The policy's own verdict. */
  public Verdict verdict() {
    if (decision.allowed()) {
      return Verdict.ALLOW;
    }
    return decision.engineError().isPresent() ? Verdict.ERROR : Verdict.DENY;
  }

  /** Whether the caller may execute the call. */
  public boolean allowed() {
    return mode == Mode.SHADOW || decision.allowed();
  }
}
