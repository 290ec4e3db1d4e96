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
  private static final Decision ALLOW = Decision.allow();
  private final MonitorPlan plan;
  private final History history = new History();
  /** Per plain index spec: an {@link IntList}, or null while empty; null until indexing starts. */
  private Object[] index;
  /** Per path group of keyed specs: a {@link Keyed}, or null while empty. */
  private Keyed[] groups;
  /**
   * Some filter could not be evaluated at some event (which entered the index anyway): the
   * indexed positions are then no proof that their filters hold, so bodies are evaluated whole.
   */
  private boolean filterFailed;
  /** Every event has a resolved time and times never decrease: windows may binary-search. */
  private boolean timesMonotone = true;

  /** What the rules read of outputs, when this monitor keeps only that; null: it keeps them whole. */
  private final PayloadReads.Reads reads;

  Monitor(MonitorPlan plan, boolean compact) {
    this.plan = plan;
    this.reads = compact ? plan.payloadReads() : null;
  }

  /** A monitor holding the events of {@code history} (each indexed once). */
  public static Monitor of(MonitorPlan plan, History history) {
    Monitor monitor = new Monitor(plan, false);
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
    if (reads != null && event instanceof Event.ToolResult r && r.output().isPresent()) {
      Value output = r.output().get();
      Value kept = PayloadReads.project(output, reads.of(r.tool()));
      if (kept != output) {
        event = new Event.ToolResult(r.id(), r.tool(), Optional.of(kept), r.error(), r.args(), r.time());
      }
    }
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
      groups = new Keyed[plan.groups().size()];
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
    return holds(rule, new IndexedEvaluator(situation, rule.variables(), this));
  }

  private static boolean holds(CompiledRule rule, IndexedEvaluator evaluator) {
    return !evaluator.holds(rule.triggered()) || evaluator.holds(rule.requirement());
  }

  /** The verdict on a ground call, with reasons and witnesses but no alternatives. */
  public Decision decide(Situation situation) {
    List<Decision.Violation> violations = null;
    // one evaluator for every rule: each quantifier sets its variable before the body reads it
    IndexedEvaluator evaluator = new IndexedEvaluator(situation, plan.maxRuleVariables(), this);
    List<CompiledRule> rules = plan.rulesFor(situation.candidate().tool());
    for (int i = 0, n = rules.size(); i < n; i++) {
      CompiledRule rule = rules.get(i);
      if (!holds(rule, evaluator)) {
        if (violations == null) {
          violations = new ArrayList<>();
        }
        violations.add(FastDecider.violation(rule, situation));
      }
    }
    return violations == null ? ALLOW : Decision.deny(violations, Map.of());
  }

  // ------------------------------------------------------------------ indexes

  /**
   * The positions of one path group's specs, by the path's value: per value one list per member
   * spec (null while empty); {@code always}, per member: positions whose value is a string (for
   * membership: anything may be a substring of it).
   */
  static final class Keyed {
    final Map<Value, IntList[]> byValue = new HashMap<>(4);
    IntList[] always;
  }

  private void indexEvent(int p) {
    MonitorPlan.EventIndexing indexing = plan.indexingOf(history.get(p));
    if (indexing.plainSpecs().length == 0 && indexing.groups().length == 0) {
      return;
    }
    IndexingEvaluator evaluator = new IndexingEvaluator(history, plan.indexVariables());
    for (int id : indexing.plainSpecs()) {
      MonitorPlan.IndexSpec spec = plan.specs().get(id);
      if (spec.filter() != null && !passes(evaluator, spec, p)) {
        continue;
      }
      IntList list = (IntList) index[id];
      if (list == null) {
        index[id] = list = new IntList();
      }
      list.add(p);
    }
    for (int g : indexing.groups()) {
      indexGroup(evaluator, plan.groups().get(g), g, p);
    }
  }

  private void indexGroup(IndexingEvaluator evaluator, MonitorPlan.PathGroup group, int g, int p) {
    int[] members = group.members();
    boolean[] passing = null;
    for (int slot = 0; slot < members.length; slot++) {
      MonitorPlan.IndexSpec spec = plan.specs().get(members[slot]);
      if (spec.filter() == null || passes(evaluator, spec, p)) {
        if (passing == null) {
          passing = new boolean[members.length];
        }
        passing[slot] = true;
      }
    }
    if (passing == null) {
      return;
    }
    MonitorPlan.IndexSpec shape = group.shape();
    Value v = evaluator.valueAt(shape.path(), p);
    if (!shape.membership()) {
      if (!v.isAbsent()) {
        add(g, v, passing, p);
      }
    } else if (v instanceof Value.ListVal l) {
      for (Value element : l.elements()) {
        if (!element.isAbsent()) {
          add(g, element, passing, p);
        }
      }
    } else if (v instanceof Value.Obj o) {
      for (String key : o.fields().keySet()) {
        add(g, Value.of(key), passing, p);
      }
    } else if (v instanceof Value.Str) {
      Keyed keyed = keyed(g);
      if (keyed.always == null) {
        keyed.always = new IntList[passing.length];
      }
      addTo(keyed.always, passing, p);
    }
  }

  private Keyed keyed(int g) {
    Keyed keyed = groups[g];
    if (keyed == null) {
      groups[g] = keyed = new Keyed();
    }
    return keyed;
  }

  private void add(int g, Value key, boolean[] passing, int p) {
    Keyed keyed = keyed(g);
    IntList[] lists = keyed.byValue.get(key);
    if (lists == null) {
      lists = new IntList[passing.length];
      keyed.byValue.put(key, lists);
    }
    addTo(lists, passing, p);
  }

  private static void addTo(IntList[] lists, boolean[] passing, int p) {
    for (int slot = 0; slot < passing.length; slot++) {
      if (passing[slot]) {
        if (lists[slot] == null) {
          lists[slot] = new IntList(1);
        }
        lists[slot].add(p);
      }
    }
  }

  /**
   * Whether the event at {@code p} passes the spec's filter. One that cannot be evaluated (a regex
   * overflowing the stack) enters the index: the quantifier's body, evaluated there when a
   * decision visits it, then fails the decision as the evaluator would.
   */
  private boolean passes(IndexingEvaluator evaluator, MonitorPlan.IndexSpec spec, int p) {
    try {
      return evaluator.holdsAt(spec.filter(), spec.filterVar(), p);
    } catch (RuntimeException | StackOverflowError e) {
      filterFailed = true;
      return true;
    }
  }

  /** Whether every position an index holds passed its spec's filter. */
  boolean filtersHeld() {
    return !filterFailed;
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
   * Fills {@code cursor} with the candidate positions in [lo, hi) of a support, newest first.
   * {@code keys} are the key values of the support's parts (evaluated by the caller), {@code now}
   * the decision's time.
   */
  void fill(Cursor cursor, List<MonitorPlan.Alt> support, Value[] keys, int lo, int hi, BigDecimal now) {
    cursor.clear();
    for (int a = 0; a < support.size(); a++) {
      MonitorPlan.Alt alt = support.get(a);
      int g = plan.groupOf(alt.spec());
      if (g < 0) {
        IntList list = (IntList) index[alt.spec()];
        if (list != null) {
          cursor.add(list, floor(alt, lo, hi, now), hi);
        }
        continue;
      }
      Keyed keyed = groups[g];
      Value key = keys[a];
      if (keyed == null || key.isAbsent()) {
        continue; // an absent value equals nothing and is in nothing
      }
      int slot = plan.slotOf(alt.spec());
      IntList[] lists = keyed.byValue.get(key);
      if (lists != null && lists[slot] != null) {
        cursor.add(lists[slot], floor(alt, lo, hi, now), hi);
      }
      if (keyed.always != null && keyed.always[slot] != null && plan.specs().get(alt.spec()).membership()) {
        cursor.add(keyed.always[slot], floor(alt, lo, hi, now), hi);
      }
    }
  }

  /** The lowest position a part of a support can name: {@code lo}, or the start of its window. */
  private int floor(MonitorPlan.Alt alt, int lo, int hi, BigDecimal now) {
    if (alt.window() != null && timesMonotone) {
      return Math.max(lo, firstAtOrAfter(now.subtract(alt.window()), lo, hi));
    }
    return lo;
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

  /** Evaluates index paths (position variable 0) and filters at one history position. */
  private static final class IndexingEvaluator extends Evaluator {
    IndexingEvaluator(History history, int variables) {
      super(new Situation(history, null, BigDecimal.ZERO), variables);
    }

    Value valueAt(Term path, int p) {
      positions[0] = p;
      return value(path);
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

    /** Key values of the support being walked, filled by the evaluator that owns the cursor. */
    Value[] keys = new Value[4];

    Cursor(int capacity) {
      lists = new IntList[Math.max(1, capacity)];
      next = new int[lists.length];
      floors = new int[lists.length];
    }

    /** Empty again, for reuse: an evaluator keeps one cursor per nesting depth. */
    void clear() {
      n = 0;
      last = Integer.MAX_VALUE;
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
