package io.vigil.solver.z3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.monitor.MonitorPlan;
import io.vigil.solver.testing.RandomTraces;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the reference: the incremental monitor's verdict on every rule agrees
 * with Z3's on random traces (a subset of those the evaluator is compared on, Z3 being slower),
 * short ones and longer ones fed to the monitor one event at a time.
 */
class MonitorAgreesWithZ3Test {
  static final int SHORT_TRACES = 1_500;
  static final int LONGER_TRACES = 12;

  static final CompiledPolicy POLICY = RuleCompiler.compile(
      PolicyParser.parse(RandomTraces.POLICY + "\n" + RandomTraces.MONITOR_RULES, "monitor.vigil"), "test");

  @Test
  void monitorAndZ3AgreeOnRandomTraces() {
    MonitorPlan plan = MonitorPlan.of(POLICY, 0);
    Random random = new Random(3);
    int[] outcomes = new int[2];
    int decisions = 0;
    try (Context ctx = new Context()) {
      Z3Values val = new Z3Values(ctx);
      Solver solver = ctx.mkSolver();
      for (int trace = 0; trace < SHORT_TRACES; trace++) {
        Situation situation = RandomTraces.randomSituation(random);
        check(ctx, val, solver, Monitor.of(plan, situation.history()), situation, outcomes, "short trace " + trace);
        decisions++;
      }
      for (int trace = 0; trace < LONGER_TRACES; trace++) {
        RandomTraces generator = new RandomTraces(random, trace % 2 == 1);
        Monitor monitor = plan.newMonitor();
        History reference = new History();
        int steps = 60 + random.nextInt(90);
        for (int step = 1; step <= steps; step++) {
          for (Event e : generator.step()) {
            monitor.append(e);
            reference.append(e);
          }
          if (step % 15 == 0) {
            check(ctx, val, solver, monitor, generator.decide(reference), outcomes, "longer trace " + trace + " step " + step);
            decisions++;
          }
        }
      }
    }
    System.out.printf("monitor == z3: %d traces, %d decisions, %d rule verdicts (%d fail, %d hold)%n",
        SHORT_TRACES + LONGER_TRACES, decisions, outcomes[0] + outcomes[1], outcomes[0], outcomes[1]);
    assertTrue(outcomes[0] > decisions && outcomes[1] > decisions, "both outcomes must be exercised");
  }

  /** One Z3 query per decision: does some rule's Z3 value differ from the monitor's? Must be unsat. */
  private static void check(Context ctx, Z3Values val, Solver solver, Monitor monitor, Situation reference,
      int[] outcomes, String where) {
    Situation situation = monitor.situation(reference.candidate(), reference.now());
    List<BoolExpr> disagreements = new ArrayList<>();
    StringBuilder verdicts = new StringBuilder();
    for (CompiledRule rule : POLICY.rules()) {
      boolean holds = monitor.holds(rule, situation);
      outcomes[holds ? 1 : 0]++;
      verdicts.append(rule.name()).append('=').append(holds).append(' ');
      BoolExpr z3 = new Z3Encoder(ctx, val, situation, Map.of(), rule.variables()).formula(rule.holds());
      disagreements.add(holds ? ctx.mkNot(z3) : z3);
    }
    solver.reset();
    solver.add(ctx.mkOr(disagreements.toArray(new BoolExpr[0])));
    assertEquals(Status.UNSATISFIABLE, solver.check(), where + ": monitor " + verdicts + "\n" + RandomTraces.describe(situation));
  }
}
