package io.vigil.guard.session;

import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import io.vigil.solver.z3.CandidateValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * "What is allowed now" in a session: per tool, whether some call of it (some values of its
 * arguments) would be allowed, asked of Z3 with every argument unknown; for a tool that is not,
 * the rules that deny it with its arguments absent; and on request, per scalar argument, which of
 * the values seen in the session it may take (the other arguments unknown).
 */
public final class AllowedNow {
  private static final int POOL_LIMIT = 200;

  public record Constraint(String param, List<Value> values, boolean anyValue) {}

  public record Allowance(String tool, boolean allowed, List<Constraint> constraints, List<String> blockingRules,
      Optional<String> error) {}

  private AllowedNow() {}

  public static List<Allowance> ask(ActivePolicy policy, History history, BigDecimal now, List<String> tools,
      boolean constraints) {
    Policy source = policy.policy();
    List<Policy.ToolDecl> asked = new ArrayList<>();
    if (tools.isEmpty()) {
      asked.addAll(source.tools());
    } else {
      for (int i = 0; i < tools.size(); i++) {
        String name = tools.get(i);
        String field = "tools[" + i + "]";
        asked.add(source.tool(name).orElseThrow(() -> GuardException.invalid(field,
            "unknown tool '" + SessionRegistry.abbreviate(name) + "' in policy " + source.name())));
      }
    }
    List<Value> pool = constraints ? CandidateValues.seenIn(history, POOL_LIMIT) : List.of();
    List<Allowance> out = new ArrayList<>();
    for (Policy.ToolDecl tool : asked) {
      out.add(one(policy, history, now, tool, pool, constraints));
    }
    return out;
  }

  private static Allowance one(ActivePolicy policy, History history, BigDecimal now, Policy.ToolDecl tool,
      List<Value> pool, boolean withConstraints) {
    Event.ToolCall partial = new Event.ToolCall(null, tool.name(), Map.of(), Optional.of(now));
    Set<String> unknown = new LinkedHashSet<>();
    tool.params().forEach(p -> unknown.add(p.name()));
    try {
      boolean allowed = policy.decider().completable(history, partial, unknown);
      if (!allowed) {
        Decision absent = new FastDecider(policy.decider().policy()).decide(new Situation(history, partial, now));
        return new Allowance(tool.name(), false, List.of(), absent.rules(), Optional.empty());
      }
      List<Constraint> constraints = new ArrayList<>();
      if (withConstraints) {
        for (Policy.Param param : tool.params()) {
          if (param.type() instanceof Type.ListOf || param.type() == Type.Primitive.JSON
              || param.type() == Type.Primitive.BOOL) {
            continue;
          }
          List<Value> candidates = pool.stream().filter(v -> fits(v, param.type())).toList();
          if (candidates.isEmpty()) {
            continue;
          }
          Set<String> others = new LinkedHashSet<>(unknown);
          others.remove(param.name());
          List<Value> values = policy.constraints().allowedValues(
              PolicyDecider.situation(history, partial), param.name(), others, candidates);
          boolean any = values.size() == candidates.size();
          constraints.add(new Constraint(param.name(), any ? List.of() : values, any));
        }
      }
      return new Allowance(tool.name(), true, constraints, List.of(), Optional.empty());
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return new Allowance(tool.name(), false, List.of(), List.of(),
          Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private static boolean fits(Value v, Type type) {
    return type == Type.Primitive.STRING ? v instanceof Value.Str : v instanceof Value.Num;
  }

  /** A value as JSON text. */
  public static String json(Value v) {
    return Json.render(v);
  }
}
