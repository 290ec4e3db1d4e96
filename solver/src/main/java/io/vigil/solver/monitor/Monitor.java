package io.vigil.solver.monitor;

import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Term;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One session's history and the indexes its policy's rules need, fed each appended event once.
 * Deciding a ground call evaluates the same IR as {@link io.vigil.solver.eval.Evaluator}, but a
 * position quantifier visits only the positions its {@link MonitorPlan} support names (found by
 * binary search in the indexes), so a decision does not scan the history.
 *
 * <p>Not thread-safe: one session is decided by one thread at a time. Sessions of one policy share
 * their {@link MonitorPlan}.
 */
public final class Monitor {
  private final MonitorPlan plan;
  private final History history = new History();
  /** Per index spec: an {@link IntList}, a {@link Keyed}, or null while empty; null until indexing starts. */
  private Object[] index;
  /** Every event has a resolved time and times never decrease: windows may binary-search. */
  private boolean timesMonotone = true;

  Monitor(MonitorPlan plan) {
    this.plan = plan;
  }

  /** A monitor holding the events of {@code history} (each indexed once). */
  public static Monitor of(MonitorPlan plan, History history) {
    Monitor monitor = new Monitor(plan);
    for (int i = 0; i < history.size(); i++) {
      monitor.append(history.get(i));
    }
    return monitor;
  }

  public MonitorPlan plan() {
    return plan;
  }

  /** The session's history (do not append to it directly: use {@link #append}). */
  public History history() {
    return history;
  }

  public int size() {
    return history.size();
  }

  public void append(Event event) {
    history.append(event);
    int p = history.size() - 1;
    if (timesMonotone) {
      Optional<BigDecimal> time = history.time(p);
      timesMonotone = time.isPresent() && (p == 0 || time.get().compareTo(history.time(p - 1).get()) >= 0);
    }
    if (index != null) {
      indexEvent(p);
    } else if (history.size() >= plan.indexFrom()) {
      index = new Object[plan.specs().size()];
      for (int i = 0; i <= p; i++) {
        indexEvent(i);
      }
    }
  }

  /** The situation of deciding {@code call} at time {@code now} on this history. */
  public Situation situation(Event.ToolCall call, BigDecimal now) {
    return new Situation(history, call, now);
  }

  /** Whether the rule holds for the call (its trigger implies its requirement). */
  public boolean holds(CompiledRule rule, Situation situation) {
    return new IndexedEvaluator(situation, rule.variables(), this).holds(rule.holds());
  }

  /** The verdict on a ground call, with reasons and witnesses but no alternatives. */
  public Decision decide(Situation situation) {
    List<Decision.Violation> violations = null;
    for (CompiledRule rule : plan.rulesFor(situation.candidate().tool())) {
      if (!holds(rule, situation)) {
        if (violations == null) {
          violations = new ArrayList<>();
        }
        violations.add(FastDecider.violation(rule, situation));
      }
    }
    return violations == null ? Decision.allow() : Decision.deny(violations, Map.of());
  }

  // ------------------------------------------------------------------ indexes

  /**
   * Whether the event at {@code p} passes the spec's filter. One that cannot be evaluated (a regex
   * overflowing the stack) enters the index: the quantifier's body, evaluated there when a
   * decision visits it, then fails the decision as the evaluator would.
   */
  private boolean passes(MonitorPlan.IndexSpec spec, int p) {
    try {
      return new FilterEvaluator(history, spec.filterVariables()).holdsAt(spec.filter(), spec.filterVar(), p);
    } catch (RuntimeException | StackOverflowError e) {
      return true;
    }
  }

  /** The positions of one keyed index, by value; {@code always}: positions whose value is a string. */
  static final class Keyed {
    final Map<Value, IntList> byValue = new HashMap<>(4);
    IntList always;
  }

  private void indexEvent(int p) {
    int[] ids = plan.specsFor(history.get(p));
    for (int id : ids) {
      MonitorPlan.IndexSpec spec = plan.specs().get(id);
      if (spec.filter() != null && !passes(spec, p)) {
        continue;
      }
      if (spec.path() == null) {
        IntList list = (IntList) index[id];
        if (list == null) {
          index[id] = list = new IntList();
        }
        list.add(p);
        continue;
      }
      Value v = new PathEvaluator(history, spec.pathVariables()).valueAt(spec.path(), p);
      Keyed keyed = (Keyed) index[id];
      if (keyed == null) {
        index[id] = keyed = new Keyed();
      }
      if (!spec.membership()) {
        if (!v.isAbsent()) {
          keyed.byValue.computeIfAbsent(v, k -> new IntList(1)).add(p);
        }
      } else if (v instanceof Value.ListVal l) {
        for (Value element : l.elements()) {
          if (!element.isAbsent()) {
            keyed.byValue.computeIfAbsent(element, k -> new IntList(1)).add(p);
          }
        }
      } else if (v instanceof Value.Obj o) {
        for (String key : o.fields().keySet()) {
          keyed.byValue.computeIfAbsent(Value.of(key), k -> new IntList(1)).add(p);
        }
      } else if (v instanceof Value.Str) {
        if (keyed.always == null) {
          keyed.always = new IntList(1);
        }
        keyed.always.add(p);
      }
    }
  }

  /** Whether this session keeps indexes yet (from {@link MonitorPlan#indexFrom} events on). */
  boolean indexed() {
    return index != null;
  }

  /** The plan of a quantifier when this session can serve it from indexes, else null. */
  MonitorPlan.QuantPlan served(Object quantifier) {
    if (index == null) {
      return null;
    }
    MonitorPlan.QuantPlan p = plan.plan(quantifier);
    return p == null || (p.support() == null && p.since() == null) ? null : p;
  }

  MonitorPlan.QuantPlan planOf(Object quantifier) {
    return plan.plan(quantifier);
  }

  /**
   * The candidate positions in [lo, hi) of a support, newest first. {@code keys} are the key
   * values of the support's parts (evaluated by the caller), {@code now} the decision's time.
   */
  Cursor cursor(List<MonitorPlan.Alt> support, Value[] keys, int lo, int hi, BigDecimal now) {
    Cursor cursor = new Cursor(support.size() * 2);
    for (int a = 0; a < support.size(); a++) {
      MonitorPlan.Alt alt = support.get(a);
      Object data = index[alt.spec()];
      if (data == null) {
        continue;
      }
      int floor = lo;
      if (alt.window() != null && timesMonotone) {
        floor = Math.max(floor, firstAtOrAfter(now.subtract(alt.window()), lo, hi));
      }
      if (data instanceof IntList list) {
        cursor.add(list, floor, hi);
        continue;
      }
      Keyed keyed = (Keyed) data;
      Value key = keys[a];
      if (key.isAbsent()) {
        continue; // an absent value equals nothing and is in nothing
      }
      IntList list = keyed.byValue.get(key);
      if (list != null) {
        cursor.add(list, floor, hi);
      }
      if (keyed.always != null && plan.specs().get(alt.spec()).membership()) {
        cursor.add(keyed.always, floor, hi);
      }
    }
    return cursor;
  }

  /** The first position in [lo, hi) whose time is at least {@code threshold} (times monotone). */
  private int firstAtOrAfter(BigDecimal threshold, int lo, int hi) {
    int a = lo;
    int b = hi;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (history.time(mid).orElseThrow().compareTo(threshold) < 0) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return a;
  }

  /** Evaluates a canonical path (position variable 0) at one history position. */
  private static final class PathEvaluator extends Evaluator {
    PathEvaluator(History history, int variables) {
      super(new Situation(history, null, BigDecimal.ZERO), variables);
    }

    Value valueAt(Term path, int p) {
      positions[0] = p;
      return value(path);
    }
  }

  /** Evaluates an index filter (about the event at one position variable) at one history position. */
  private static final class FilterEvaluator extends Evaluator {
    FilterEvaluator(History history, int variables) {
      super(new Situation(history, null, BigDecimal.ZERO), variables);
    }

    boolean holdsAt(io.vigil.solver.ir.Formula filter, int var, int p) {
      positions[var] = p;
      return holds(filter);
    }
  }

  /** Descending merge of a few ascending position lists, each cut to [floor, hi), without repeats. */
  static final class Cursor {
    private IntList[] lists;
    private int[] next;
    private int[] floors;
    private int n;
    private int last = Integer.MAX_VALUE;

    Cursor(int capacity) {
      lists = new IntList[Math.max(1, capacity)];
      next = new int[lists.length];
      floors = new int[lists.length];
    }

    void add(IntList list, int floor, int hi) {
      int i = list.lowerBound(hi) - 1;
      if (i < 0 || list.get(i) < floor) {
        return;
      }
      if (n == lists.length) {
        lists = java.util.Arrays.copyOf(lists, n * 2);
        next = java.util.Arrays.copyOf(next, n * 2);
        floors = java.util.Arrays.copyOf(floors, n * 2);
      }
      lists[n] = list;
      next[n] = i;
      floors[n] = floor;
      n++;
    }

    /** The next position, newest first; -1 when done. */
    int next() {
      while (true) {
        int best = -1;
        int bestPosition = -1;
        for (int k = 0; k < n; k++) {
          int i = next[k];
          if (i >= 0) {
            int p = lists[k].get(i);
            if (p >= floors[k] && p > bestPosition) {
              best = k;
              bestPosition = p;
            }
          }
        }
        if (best < 0) {
          return -1;
        }
        next[best]--;
        if (bestPosition != last) {
          last = bestPosition;
          return bestPosition;
        }
      }
    }
  }
}
