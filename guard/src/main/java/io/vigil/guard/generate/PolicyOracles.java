package io.vigil.guard.generate;

import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.Session;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.ir.CandidateReads;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Value;
import io.vigil.solver.z3.Z3Decider;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the call oracles of one policy version share: its decider, the Z3 contexts for partial-call
 * questions, and facts about its rules (which arguments of the call each reads, their literals).
 * Z3 is handed only the rules that read an argument still unknown (the others are decided by the
 * evaluator), so there is one context per such set of rules, made on first use. Thread-safe; close
 * it when the policy version is retired.
 */
public final class PolicyOracles implements AutoCloseable {
  private final PolicyDecider decider;
  private final Map<String, Z3Decider> z3ByRules = new ConcurrentHashMap<>();
  private final Map<String, Boolean> reads = new ConcurrentHashMap<>();
  private final Map<String, List<Value>> literalsByTool = new ConcurrentHashMap<>();
  private final Map<String, Integer> costs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PolicyOracles(PolicyDecider decider) {
    this.decider = decider;
  }

  public PolicyDecider decider() {
    return decider;
  }

  /** An oracle for a session snapshot: its events and the time of the call to generate. */
  public PolicyCallOracle oracle(History history, BigDecimal now) {
    return new PolicyCallOracle(this, history, now);
  }

  /**
   * An oracle over the committed history of a running sidecar session, caught up with its store;
   * {@code policy} must be the version these oracles were made for.
   */
  public PolicyCallOracle oracle(ActivePolicy policy, Session session, BigDecimal now, Deadline deadline) {
    if (policy.decider() != decider) {
      throw new IllegalArgumentException("policy " + policy.name() + " version " + policy.version()
          + " is not the version these oracles were made for");
    }
    return oracle(session.snapshot(policy, deadline), now);
  }

  /** Whether the rule reads argument {@code param} of the call being decided. */
  boolean reads(CompiledRule rule, String param) {
    return reads.computeIfAbsent(rule.name() + "\u0000" + param, k -> CandidateReads.argument(rule.holds(), param));
  }

  boolean readsAny(CompiledRule rule, Set<String> params) {
    for (String p : params) {
      if (reads(rule, p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rules, cheapest to evaluate first (by the size of their formula's printed form), so that a
   * candidate most rules reject is rejected before the expensive ones run.
   */
  List<CompiledRule> cheapestFirst(List<CompiledRule> rules) {
    return rules.stream()
        .sorted(java.util.Comparator.comparingInt(r -> costs.computeIfAbsent(r.name(), n -> r.holds().toString().length())))
        .toList();
  }

  /** The string and number literals of the rules a call of {@code tool} can trigger. */
  List<Value> literals(String tool) {
    return literalsByTool.computeIfAbsent(tool, t -> PolicyLiterals.of(decider.monitorPlan().rulesFor(t)));
  }

  List<Value> allLiterals() {
    return PolicyLiterals.of(decider.policy().rules());
  }

  /** A Z3 decider over exactly these rules of the policy. */
  Z3Decider z3(List<CompiledRule> rules) {
    if (closed) {
      throw new IllegalStateException("the oracles of policy version " + decider.policy().version() + " are closed");
    }
    String key = rules.stream().map(CompiledRule::name).collect(Collectors.joining("\u0000"));
    CompiledPolicy policy = decider.policy();
    return z3ByRules.computeIfAbsent(key, k -> new Z3Decider(new CompiledPolicy(policy.source(), policy.version(), rules)));
  }

  @Override
  public void close() {
    closed = true;
    z3ByRules.values().forEach(Z3Decider::close);
    z3ByRules.clear();
  }
}
