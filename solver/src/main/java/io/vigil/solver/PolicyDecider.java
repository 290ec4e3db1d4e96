package io.vigil.solver;

import io.vigil.dsl.tree.Policy;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.monitor.MonitorPlan;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.z3.Z3Decider;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The entry point for decisions on one checked policy. Verdicts come from the fast evaluator or
 * from Z3 (the reference); allowed alternatives for a deny always come from Z3. Any internal error
 * denies as an engine error (fail closed).
 */
public final class PolicyDecider implements AutoCloseable {
  /**
   * FAST: the evaluator, scanning the history. Z3: the reference. INCREMENTAL: the same evaluation
   * with position quantifiers served from a session {@link Monitor}'s indexes (see {@link
   * #decide(Monitor, Event.ToolCall)}; given a bare {@link History}, a monitor is built from it).
   */
  public enum Engine { FAST, Z3, INCREMENTAL }

  private final CompiledPolicy policy;
  private final FastDecider fast;
  private final Z3Decider z3;
  private final MonitorPlan monitorPlan;

  public PolicyDecider(Policy checkedPolicy, String version) {
    this(checkedPolicy, version, MonitorPlan.DEFAULT_INDEX_FROM);
  }

  /** {@code indexFrom}: the history length from which session monitors index (0: always). */
  public PolicyDecider(Policy checkedPolicy, String version, int indexFrom) {
    this.policy = RuleCompiler.compile(checkedPolicy, version);
    this.fast = new FastDecider(policy);
    this.z3 = new Z3Decider(policy);
    this.monitorPlan = MonitorPlan.of(policy, indexFrom);
  }

  /** A new session: an empty history with the indexes this policy's rules need. */
  public Monitor newMonitor() {
    return monitorPlan.newMonitor();
  }

  public MonitorPlan monitorPlan() {
    return monitorPlan;
  }

  /**
   * Decides a call on a session kept by a {@link Monitor} of this decider (the incremental
   * engine). The caller appends the session's events to the monitor, an allowed call included.
   */
  public Decision decide(Monitor monitor, Event.ToolCall call) {
    if (monitor.plan() != monitorPlan) {
      throw new IllegalArgumentException("the monitor belongs to another policy decider");
    }
    Situation situation = situation(monitor.history(), call);
    try {
      Decision decision = monitor.decide(situation);
      if (decision.allowed()) {
        return decision;
      }
      return decision.withAlternatives(z3.alternatives(situation));
    } catch (RuntimeException | LinkageError e) {
      return Decision.engineError(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  public CompiledPolicy policy() {
    return policy;
  }

  public Decision decide(History history, Event.ToolCall call, Engine engine) {
    if (engine == Engine.INCREMENTAL) {
      return decide(Monitor.of(monitorPlan, history), call);
    }
    Situation situation = situation(history, call);
    try {
      Decision decision = engine == Engine.FAST ? fast.decide(situation) : z3.decide(situation);
      if (decision.allowed()) {
        return decision;
      }
      return decision.withAlternatives(z3.alternatives(situation));
    } catch (RuntimeException | LinkageError e) {
      return Decision.engineError(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Whether a call whose {@code unknown} arguments are not produced yet can still be allowed. */
  public boolean completable(History history, Event.ToolCall partial, Set<String> unknown) {
    return z3.completable(situation(history, partial), unknown);
  }

  /**
   * The rules whose trigger (and {@code when} condition) matches the call, whether or not their
   * requirement holds; evaluated with the fast evaluator. Used for test coverage.
   */
  public List<String> triggeredRules(History history, Event.ToolCall call) {
    Situation situation = situation(history, call);
    List<String> triggered = new ArrayList<>();
    for (CompiledRule rule : policy.rules()) {
      if (new Evaluator(situation, rule.variables()).holds(rule.triggered())) {
        triggered.add(rule.name());
      }
    }
    return triggered;
  }

  public String smt2(History history, Event.ToolCall call) {
    return z3.smt2(situation(history, call));
  }

  /** {@code now} is the call's own time, else the wall clock. */
  public static Situation situation(History history, Event.ToolCall call) {
    BigDecimal now = call.time().orElseGet(() -> io.vigil.solver.trace.Timestamps.seconds(Instant.now()));
    return new Situation(history, call, now);
  }

  @Override
  public void close() {
    z3.close();
  }
}
