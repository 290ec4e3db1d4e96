package io.vigil.solver.analysis;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Status;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.z3.SymbolicHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bounded analysis of one policy over all histories of up to {@code depth} events (every call in
 * such a history allowed by the policy, so witnesses replay as printed). Each "some history
 * exists" answer is confirmed by replaying its witness through the runtime before it is believed;
 * "no history exists" answers come from Z3 over an over-approximation of JSON outputs and regex
 * word boundaries, so they are sound up to the depth. Questions Z3 cannot answer in time are
 * reported as undecided, never as findings.
 */
public final class PolicyAnalyzer {
  private final CompiledPolicy policy;
  private final int depth;
  private final int timeoutMillis;

  public PolicyAnalyzer(CompiledPolicy policy, int depth, int timeoutMillis) {
    this.policy = policy;
    this.depth = depth;
    this.timeoutMillis = timeoutMillis;
  }

  public List<Finding> analyze() {
    return analyze(List.of());
  }

  /**
   * Analysis that first looks for answers in existing traces (e.g. the policy's own tests): each
   * of their calls, replayed under enforcement, is a candidate witness. Only the questions they do
   * not answer go to Z3, where histories are bounded by the depth.
   */
  public List<Finding> analyze(List<Trace> seeds) {
    List<Witness> known = new ArrayList<>();
    seeds.forEach(t -> known.addAll(Witness.everyCallOf(t, policy)));
    Map<String, Question> canDeny = new LinkedHashMap<>();
    Map<String, Question> triggeredAndAllowed = new LinkedHashMap<>();
    Map<String, Question> deniesAlone = new LinkedHashMap<>();
    for (CompiledRule rule : policy.rules()) {
      canDeny.put(rule.name(), new Question(h -> h.not(h.holds(rule)), w -> w.decide(policy).rules().contains(rule.name())));
      triggeredAndAllowed.put(rule.name(), new Question(h -> h.triggered(rule), w -> w.triggers(rule) && !w.decide(policy).rules().contains(rule.name())));
      deniesAlone.put(rule.name(), new Question(h -> {
        List<BoolExpr> parts = new ArrayList<>(List.of(h.not(h.holds(rule))));
        policy.rules().stream().filter(o -> o != rule).forEach(o -> parts.add(h.holds(o)));
        return h.and(parts.toArray(new BoolExpr[0]));
      }, w -> w.decide(policy).rules().equals(List.of(rule.name()))));
    }
    Map<String, Question> reachable = new LinkedHashMap<>();
    for (Policy.ToolDecl tool : policy.source().tools()) {
      reachable.put(tool.name(), new Question(h -> h.and(h.candidateIs(tool.name()), h.allowedBy(policy)), w -> w.decide(policy).allowed()));
    }
    List<Question> all = new ArrayList<>();
    all.addAll(canDeny.values());
    all.addAll(deniesAlone.values());
    all.addAll(reachable.values());
    Question.tryWitnesses(all, known);
    Question.answer(all, List.of(policy), depth, timeoutMillis);

    List<Finding> findings = new ArrayList<>();
    for (CompiledRule rule : policy.rules()) {
      Question deny = canDeny.get(rule.name());
      if (deny.state == Question.State.NONE) {
        Question fires = triggeredAndAllowed.get(rule.name());
        Question.tryWitnesses(List.of(fires), known);
        Question.answer(List.of(fires), List.of(policy), depth, timeoutMillis);
        Optional<Witness> witness = fires.witness;
        String how = "; the witness shows it triggered without denying";
        if (witness.isEmpty()) {
          // Never triggered: show instead a call of a tool it names going through.
          Question guardedAllowed = guardedToolAllowed(rule);
          Question.tryWitnesses(List.of(guardedAllowed), known);
          Question.answer(List.of(guardedAllowed), List.of(policy), depth, timeoutMillis);
          witness = guardedAllowed.witness;
          how = "; its trigger never matches" + (witness.isPresent() ? " (the witness is a call of a tool it names, allowed)" : "");
        }
        findings.add(new Finding(Finding.Kind.VACUOUS_RULE, rule.name(),
            "rule " + rule.name() + " denies no call after any history of up to " + depth + " events" + how,
            List.of(rule.name()), witness));
      } else if (deny.state != Question.State.FOUND) {
        findings.add(undecided(rule.name(), "whether rule " + rule.name() + " can deny"));
      } else {
        Question alone = deniesAlone.get(rule.name());
        if (alone.state == Question.State.NONE) {
          List<String> others = deny.witness.get().decide(policy).rules().stream().filter(r -> !r.equals(rule.name())).toList();
          findings.add(new Finding(Finding.Kind.REDUNDANT_RULE, rule.name(),
              "rule " + rule.name() + " never denies a call that the other rules allow (histories of up to " + depth
                  + " events); in the witness it denies together with " + others,
              others, deny.witness));
        } else if (alone.state != Question.State.FOUND) {
          findings.add(undecided(rule.name(), "whether the other rules imply rule " + rule.name()));
        }
      }
    }
    for (Map.Entry<String, Question> e : reachable.entrySet()) {
      if (e.getValue().state == Question.State.NONE) {
        List<String> blockers = blockers(e.getKey());
        findings.add(new Finding(Finding.Kind.UNREACHABLE_TOOL, e.getKey(),
            "no history of up to " + depth + " events allows a call of " + e.getKey() + "; blocked jointly by " + blockers,
            blockers, Optional.empty()));
      } else if (e.getValue().state != Question.State.FOUND) {
        findings.add(undecided(e.getKey(), "whether some history allows " + e.getKey()));
      }
    }
    return findings;
  }

  /** "Some history allows a call of a tool that the rule's trigger names." */
  private Question guardedToolAllowed(CompiledRule rule) {
    Set<String> tools = new LinkedHashSet<>();
    candidateTools(rule.triggered(), tools);
    return new Question(h -> {
      List<BoolExpr> any = new ArrayList<>();
      tools.forEach(t -> any.add(h.candidateIs(t)));
      return h.and(h.or(any.toArray(new BoolExpr[0])), h.allowedBy(policy));
    }, w -> tools.contains(w.candidateTool()) && w.decide(policy).allowed());
  }

  /** The tools of the call patterns at the candidate position, looking through conjunctions. */
  private static void candidateTools(Formula f, Set<String> out) {
    if (f instanceof Formula.EventIs e && e.pos().equals(Pos.CURRENT) && e.kind() == EventKind.CALL) {
      out.addAll(e.tools());
    } else if (f instanceof Formula.And and) {
      and.operands().forEach(p -> candidateTools(p, out));
    }
  }

  private static Finding undecided(String subject, String question) {
    return new Finding(Finding.Kind.INCONCLUSIVE, subject,
        "undecided: " + question + " (Z3 gave no answer in time, or its histories did not replay as predicted)",
        List.of(), Optional.empty());
  }

  /**
   * A minimal set of rules that together block the tool at the largest depth: Z3's unsat core,
   * then shrunk one rule at a time while it stays unsatisfiable.
   */
  private List<String> blockers(String tool) {
    try (SymbolicHistory h = new SymbolicHistory(Question.tools(List.of(policy)), depth, timeoutMillis)) {
      h.add(h.candidateIs(tool));
      h.add(h.historyAllowedBy(policy));
      Map<String, BoolExpr> labels = new LinkedHashMap<>();
      for (CompiledRule rule : policy.rules()) {
        BoolExpr label = h.label(rule.name());
        h.add(h.implies(label, h.holds(rule)));
        labels.put(rule.name(), label);
      }
      if (h.check(labels.values().toArray(new BoolExpr[0])) != Status.UNSATISFIABLE) {
        return List.of();
      }
      List<String> core = new ArrayList<>(h.unsatCore());
      for (String candidate : List.copyOf(core)) {
        List<BoolExpr> without = core.stream().filter(r -> !r.equals(candidate)).map(labels::get).toList();
        if (h.check(without.toArray(new BoolExpr[0])) == Status.UNSATISFIABLE) {
          core.remove(candidate);
        }
      }
      return core;
    }
  }
}
