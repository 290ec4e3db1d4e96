package io.vigil.solver.analysis;

import io.vigil.solver.decision.Decision;
import io.vigil.solver.ir.CompiledPolicy;
import java.util.List;
import java.util.Optional;

/**
 * The shortest history and call on which two policies decide differently, up to a depth; every
 * call of that history is allowed by both, so the witness replays the same under either.
 */
public final class PolicyDiff {
  private PolicyDiff() {}

  /** Empty when the policies are equivalent on every history of up to {@code depth} events. */
  public static Optional<Finding> diff(CompiledPolicy old, CompiledPolicy updated, int depth, int timeoutMillis) {
    Question differs = new Question(h -> h.xor(h.allowedBy(old), h.allowedBy(updated)),
        w -> w.decide(old).allowed() != w.decide(updated).allowed());
    Question.answer(List.of(differs), List.of(old, updated), depth, timeoutMillis);
    if (differs.state == Question.State.NONE) {
      return Optional.empty();
    }
    Optional<Witness> witness = differs.witness;
    if (witness.isEmpty() || witness.get().decide(old).allowed() == witness.get().decide(updated).allowed()) {
      return Optional.of(new Finding(Finding.Kind.INCONCLUSIVE, "diff",
          "undecided: Z3 gave no answer in time, or its difference did not replay as predicted", List.of(), Optional.empty()));
    }
    Decision before = witness.get().decide(old);
    Decision after = witness.get().decide(updated);
    String message = "the call is " + (before.allowed() ? "allowed" : "denied") + " by the old policy and "
        + (after.allowed() ? "allowed" : "denied") + " by the new one";
    List<String> rules = before.allowed() ? after.rules() : before.rules();
    return Optional.of(new Finding(Finding.Kind.DIFFERENT, "diff", message, rules, witness));
  }
}
