package io.vigil.solver.analysis;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Status;
import io.vigil.dsl.tree.Policy;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.z3.SymbolicHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * "Is there a history and call such that ...?", answered shortest history first. All open
 * questions share one symbolic history per length (rules are encoded once; each question is a
 * push/pop), and a model counts only once its witness replays as {@code expected} says.
 */
final class Question {
  enum State { OPEN, FOUND, NONE, UNDECIDED }

  /** Z3 models that fail to replay are retried with their shape blocked, this many times. */
  private static final int RETRIES = 2;

  final Function<SymbolicHistory, BoolExpr> formula;
  final Predicate<Witness> expected;
  State state = State.OPEN;
  Optional<Witness> witness = Optional.empty();
  private boolean undecided;

  Question(Function<SymbolicHistory, BoolExpr> formula, Predicate<Witness> expected) {
    this.formula = formula;
    this.expected = expected;
  }

  /**
   * Answers the questions over histories of 0..depth events in which every call is allowed by
   * each of {@code historyPolicies}.
   */
  static void answer(List<Question> questions, List<CompiledPolicy> historyPolicies, int depth, int timeoutMillis) {
    for (int length = 0; length <= depth; length++) {
      List<Question> open = questions.stream().filter(q -> q.state == State.OPEN).toList();
      if (open.isEmpty()) {
        break;
      }
      try (SymbolicHistory h = new SymbolicHistory(tools(historyPolicies), length, timeoutMillis)) {
        for (CompiledPolicy p : historyPolicies) {
          h.add(h.historyAllowedBy(p));
        }
        for (Question q : open) {
          // encode before the push: constants made while encoding add their bounds to the solver,
          // and those must outlive this question, since later questions reuse the constants
          BoolExpr formula = q.formula.apply(h);
          h.push();
          h.add(formula);
          q.ask(h);
          h.pop();
        }
      }
    }
    for (Question q : questions) {
      if (q.state == State.OPEN) {
        q.state = q.undecided ? State.UNDECIDED : State.NONE;
      }
    }
  }

  /** Answers the open questions that one of these existing witnesses already answers. */
  static void tryWitnesses(List<Question> questions, List<Witness> witnesses) {
    for (Question q : questions) {
      for (Witness w : witnesses) {
        if (q.state != State.OPEN) {
          break;
        }
        if (q.expected.test(w)) {
          q.state = State.FOUND;
          q.witness = Optional.of(w);
        }
      }
    }
  }

  private void ask(SymbolicHistory h) {
    for (int attempt = 0; attempt <= RETRIES; attempt++) {
      Status status = h.check();
      if (status == Status.UNSATISFIABLE) {
        return;
      }
      if (status == Status.UNKNOWN) {
        undecided = true;
        return;
      }
      Witness candidate = new Witness(h.witness());
      if (expected.test(candidate)) {
        state = State.FOUND;
        witness = Optional.of(candidate);
        return;
      }
      undecided = true;
      h.blockLastShape();
    }
  }

  static List<Policy.ToolDecl> tools(List<CompiledPolicy> policies) {
    Map<String, Policy.ToolDecl> byName = new LinkedHashMap<>();
    for (CompiledPolicy p : policies) {
      p.source().tools().forEach(t -> byName.putIfAbsent(t.name(), t));
    }
    return new ArrayList<>(byName.values());
  }
}
