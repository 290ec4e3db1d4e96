package io.vigil.solver.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.testing.RandomTraces;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test: the incremental monitor and the scanning evaluator agree on every rule of a
 * policy that uses every construct (plus rules aimed at each kind of index), on 10,000 short random
 * traces and on long ones (hundreds to thousands of events, some with times that go backwards),
 * checked at many points as the monitor is fed one event at a time; also for compact monitors,
 * which keep only what the rules read of tool outputs.
 */
class MonitorAgreesWithEvaluatorTest {
  static final int SHORT_TRACES = 10_000;
  static final int LONG_TRACES = 100;
  static final int CHECKS_PER_LONG_TRACE = 40;

  static final CompiledPolicy POLICY = RuleCompiler.compile(
      PolicyParser.parse(RandomTraces.POLICY + "\n" + RandomTraces.MONITOR_RULES, "monitor.vigil"), "test");

  @Test
  void theIndexesServeMostQuantifiers() {
    MonitorPlan plan = MonitorPlan.of(POLICY, 0);
    assertTrue(plan.servedQuantifiers() * 4 >= plan.quantifiers() * 3,
        plan.servedQuantifiers() + " of " + plan.quantifiers() + " quantifiers served");
  }

  @Test
  void monitorAndEvaluatorAgreeOnShortRandomTraces() {
    MonitorPlan plan = MonitorPlan.of(POLICY, 0);
    Random random = new Random(42);
    int[] outcomes = new int[2];
    for (int trace = 0; trace < SHORT_TRACES; trace++) {
      Situation situation = RandomTraces.randomSituation(random);
      Monitor monitor = Monitor.of(plan, situation.history());
      compare(monitor, situation, outcomes, "short trace " + trace);
      Monitor compact = plan.newCompactMonitor();
      situation.history().events().forEach(compact::append);
      compare(compact, situation, new int[2], "short trace " + trace + " (compact)");
    }
    report("short", SHORT_TRACES, SHORT_TRACES, outcomes);
  }

  @Test
  void monitorAndEvaluatorAgreeOnLongRandomTraces() {
    Random random = new Random(7);
    int[] outcomes = new int[2];
    int checks = 0;
    long events = 0;
    for (int trace = 0; trace < LONG_TRACES; trace++) {
      RandomTraces generator = new RandomTraces(random, trace % 3 == 0);
      MonitorPlan plan = MonitorPlan.of(POLICY, trace % 2 == 0 ? 0 : MonitorPlan.DEFAULT_INDEX_FROM);
      // every third long trace keeps only what the rules read of outputs
      Monitor monitor = trace % 3 == 1 ? plan.newCompactMonitor() : plan.newMonitor();
      History reference = new History();
      int steps = 100 + random.nextInt(trace < LONG_TRACES / 4 ? 4000 : 600);
      int every = Math.max(1, steps / CHECKS_PER_LONG_TRACE);
      for (int step = 1; step <= steps; step++) {
        for (Event e : generator.step()) {
          monitor.append(e);
          reference.append(e);
        }
        if (step % every == 0 || step < 5) {
          compare(monitor, generator.decide(reference), outcomes, "long trace " + trace + " step " + step);
          checks++;
        }
      }
      events += reference.size();
    }
    report("long (" + events + " events)", LONG_TRACES, checks, outcomes);
  }

  /** Every rule, and the whole decision (reasons and witnesses), on one candidate. */
  static void compare(Monitor monitor, Situation reference, int[] outcomes, String where) {
    Situation incremental = monitor.situation(reference.candidate(), reference.now());
    for (CompiledRule rule : POLICY.rules()) {
      boolean expected = new Evaluator(reference, rule.variables()).holds(rule.holds());
      boolean actual = monitor.holds(rule, incremental);
      if (expected != actual) {
        throw new AssertionError(where + ": rule " + rule.name() + " evaluator=" + expected + " monitor=" + actual
            + "\n" + RandomTraces.describe(reference));
      }
      outcomes[expected ? 1 : 0]++;
    }
    assertEquals(new FastDecider(POLICY).decide(reference), monitor.decide(incremental), where);
  }

  static void report(String kind, int traces, int checks, int[] outcomes) {
    System.out.printf("monitor == evaluator: %s: %d traces, %d decisions, %d rule verdicts (%d fail, %d hold)%n",
        kind, traces, checks, outcomes[0] + outcomes[1], outcomes[0], outcomes[1]);
    assertTrue(outcomes[0] > checks && outcomes[1] > checks, "both outcomes must be exercised");
  }
}
