package io.vigil.solver.z3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.testing.RandomTraces;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test: the fast evaluator and Z3 must agree on every rule of a policy that uses
 * every construct, over many random traces. Per trace Z3 gets one query: "does some rule's Z3
 * truth value differ from the evaluator's?", which must be unsatisfiable.
 */
class EvaluatorAgreesWithZ3Test {
  static final int TRACES = 10_000;

  @Test
  void evaluatorAndZ3AgreeOnRandomTraces() throws Exception {
    CompiledPolicy policy = RuleCompiler.compile(PolicyParser.parse(RandomTraces.POLICY, "differential.vigil"), "test");
    // two halves in parallel, each with its own Z3 context (contexts are single-threaded)
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<int[]> first = pool.submit(() -> compare(policy, 1, TRACES / 2));
      java.util.concurrent.Future<int[]> second = pool.submit(() -> compare(policy, 2, TRACES - TRACES / 2));
      int denials = first.get()[0] + second.get()[0];
      int allowances = first.get()[1] + second.get()[1];
      // the random traces must exercise both outcomes, or the comparison says little
      assertTrue(denials > TRACES, "denials " + denials);
      assertTrue(allowances > TRACES, "allowances " + allowances);
    } finally {
      pool.shutdown();
    }
  }

  /** Compares {@code traces} random situations; returns {rule denials, rule allowances}. */
  static int[] compare(CompiledPolicy policy, long seed, int traces) {
    Random random = new Random(seed);
    int denials = 0;
    int allowances = 0;
    try (Context ctx = new Context()) {
      Z3Values val = new Z3Values(ctx);
      Solver solver = ctx.mkSolver();
      for (int trace = 0; trace < traces; trace++) {
        Situation situation = RandomTraces.randomSituation(random);
        List<BoolExpr> disagreements = new ArrayList<>();
        List<Boolean> expected = new ArrayList<>();
        for (CompiledRule rule : policy.rules()) {
          boolean holds = new Evaluator(situation, rule.variables()).holds(rule.holds());
          expected.add(holds);
          BoolExpr z3 = new Z3Encoder(ctx, val, situation, Map.of(), rule.variables()).formula(rule.holds());
          disagreements.add(holds ? ctx.mkNot(z3) : z3);
          if (holds) {
            allowances++;
          } else {
            denials++;
          }
        }
        solver.reset();
        solver.add(ctx.mkOr(disagreements.toArray(new BoolExpr[0])));
        Status status = solver.check();
        if (status != Status.UNSATISFIABLE) {
          StringBuilder which = new StringBuilder();
          for (int i = 0; i < policy.rules().size(); i++) {
            Solver single = ctx.mkSolver();
            single.add(disagreements.get(i));
            if (single.check() != Status.UNSATISFIABLE) {
              which.append(policy.rules().get(i).name()).append(" evaluator=").append(expected.get(i)).append("; ");
            }
          }
          assertEquals(Status.UNSATISFIABLE, status, "seed " + seed + " trace " + trace + " disagrees on " + which + "\n" + RandomTraces.describe(situation));
        }
      }
    }
    return new int[] {denials, allowances};
  }
}
