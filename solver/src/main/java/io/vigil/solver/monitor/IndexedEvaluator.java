package io.vigil.solver.monitor;

import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Term;
import io.vigil.solver.value.Value;
import java.util.List;

/**
 * The {@link Evaluator} with position quantifiers served from a {@link Monitor}'s indexes: the
 * body is evaluated exactly as the evaluator does, at the positions of the quantifier's support
 * only (newest first). Quantifiers the plan cannot serve are scanned by the evaluator itself.
 */
final class IndexedEvaluator extends Evaluator {
  private final Monitor monitor;
  /** Cursors by nesting depth, reused across quantifiers so a decision allocates few. */
  private Monitor.Cursor[] cursors = new Monitor.Cursor[4];
  private int openCursors;

  IndexedEvaluator(Situation situation, int variables, Monitor monitor) {
    super(situation, variables);
    this.monitor = monitor;
  }

  @Override
  protected boolean existsPos(Formula.ExistsPos e) {
    MonitorPlan.QuantPlan plan = monitor.planOf(e);
    int hi = position(e.hi());
    if (plan == null || hi > monitor.size()) {
      return super.existsPos(e);
    }
    int lo = Math.max(0, position(e.lo()));
    if (plan.since() != null) {
      // every k in (j, hi) must satisfy the since's left side: j is at least its latest break
      lo = Math.max(lo, latestBreak(plan.since(), lo, hi));
    }
    if (plan.support() == null || !monitor.indexed()) {
      // newest first: the anchor of a since, and most once conditions, are recent
      return scan(e.var(), e.body(), lo, hi, true) >= 0;
    }
    return newest(plan, e.var(), e.body(), lo, hi, true) >= 0;
  }

  @Override
  protected boolean forallPos(Formula.ForallPos a) {
    MonitorPlan.QuantPlan plan = monitor.served(a);
    int hi = position(a.hi());
    if (plan == null || plan.support() == null || hi > monitor.size()) {
      return super.forallPos(a);
    }
    return newest(plan, a.var(), a.body(), Math.max(0, position(a.lo())), hi, false) < 0;
  }

  @Override
  protected int countPos(Term.CountPos c) {
    MonitorPlan.QuantPlan plan = monitor.served(c);
    int hi = position(c.hi());
    if (plan == null || plan.support() == null || hi > monitor.size()) {
      return super.countPos(c);
    }
    Monitor.Cursor cursor = cursor(plan.support(), 0, hi);
    try {
      Formula body = indexedBody(plan, c.body());
      int count = 0;
      for (int j = cursor.next(); j >= 0; j = cursor.next()) {
        positions[c.var()] = j;
        if (holds(body)) {
          count++;
        }
      }
      return count;
    } finally {
      openCursors--;
    }
  }

  /** The latest k in [lo, hi) where the body of {@code a} is false, else -1. */
  private int latestBreak(Formula.ForallPos a, int lo, int hi) {
    MonitorPlan.QuantPlan plan = monitor.planOf(a);
    if (plan == null || plan.support() == null || !monitor.indexed()) {
      return scan(a.var(), a.body(), lo, hi, false);
    }
    return newest(plan, a.var(), a.body(), lo, hi, false);
  }

  /** The latest position j in [lo, hi) where {@code body} (with {@code var} at j) is {@code want}, else -1. */
  private int scan(int var, Formula body, int lo, int hi, boolean want) {
    for (int j = hi - 1; j >= lo; j--) {
      positions[var] = j;
      if (holds(body) == want) {
        return j;
      }
    }
    return -1;
  }

  /** As {@link #scan}, visiting only the positions the plan's indexes name, newest first. */
  private int newest(MonitorPlan.QuantPlan plan, int var, Formula body, int lo, int hi, boolean want) {
    Monitor.Cursor cursor = cursor(plan.support(), lo, hi);
    try {
      Formula indexed = indexedBody(plan, body);
      for (int j = cursor.next(); j >= 0; j = cursor.next()) {
        positions[var] = j;
        if (holds(indexed) == want) {
          return j;
        }
      }
      return -1;
    } finally {
      openCursors--;
    }
  }

  /** At positions an index names: the body without the conjuncts the index's filter checked. */
  private Formula indexedBody(MonitorPlan.QuantPlan plan, Formula body) {
    return plan.residual() != null && monitor.filtersHeld() ? plan.residual() : body;
  }

  /** Claims the cursor of the next depth; the caller releases it ({@code openCursors--}) when done. */
  private Monitor.Cursor cursor(List<MonitorPlan.Alt> support, int lo, int hi) {
    if (openCursors == cursors.length) {
      cursors = java.util.Arrays.copyOf(cursors, openCursors * 2);
    }
    Monitor.Cursor cursor = cursors[openCursors];
    if (cursor == null) {
      cursor = cursors[openCursors] = new Monitor.Cursor(support.size() * 2);
    }
    // claimed before the keys are evaluated: a key term may itself walk a (deeper) cursor
    openCursors++;
    try {
      if (cursor.keys.length < support.size()) {
        cursor.keys = new Value[support.size()];
      }
      Value[] keys = cursor.keys;
      for (int i = 0; i < support.size(); i++) {
        Term key = support.get(i).key();
        keys[i] = key == null ? null : value(key);
      }
      monitor.fill(cursor, support, keys, lo, hi, situation.now());
      return cursor;
    } catch (RuntimeException e) {
      openCursors--;
      throw e;
    }
  }
}
