package io.vigil.solver.eval;

import io.vigil.solver.decision.Decision;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.value.Json;
import java.util.ArrayList;
import java.util.List;

/** Decides ground calls with the {@link Evaluator}: every rule, its reason and its witnesses. */
public final class FastDecider {
  private final CompiledPolicy policy;

  public FastDecider(CompiledPolicy policy) {
    this.policy = policy;
  }

  public Decision decide(Situation situation) {
    List<Decision.Violation> violations = new ArrayList<>();
    for (CompiledRule rule : policy.rules()) {
      Evaluator evaluator = new Evaluator(situation, rule.variables());
      if (!evaluator.holds(rule.holds())) {
        violations.add(violation(rule, situation));
      }
    }
    return violations.isEmpty() ? Decision.allow() : Decision.deny(violations, java.util.Map.of());
  }

  /** The reason and witnesses of a rule known to fail on this situation. */
  public static Decision.Violation violation(CompiledRule rule, Situation situation) {
    Evaluator evaluator = new Evaluator(situation, rule.variables());
    List<Integer> witnesses = new ArrayList<>(evaluator.witnesses(rule.requirement(), false));
    witnesses.add(situation.candidatePosition());
    return new Decision.Violation(rule.name(), reason(rule, evaluator), witnesses.stream().distinct().sorted().toList());
  }

  private static String reason(CompiledRule rule, Evaluator evaluator) {
    if (rule.message().isEmpty()) {
      return "rule " + rule.name() + " does not hold";
    }
    StringBuilder text = new StringBuilder();
    for (CompiledRule.MessagePart part : rule.message()) {
      if (part instanceof CompiledRule.MessagePart.Text t) {
        text.append(t.text());
      } else if (part instanceof CompiledRule.MessagePart.Hole h) {
        text.append(Json.display(evaluator.value(h.term())));
      }
    }
    return text.toString();
  }
}
