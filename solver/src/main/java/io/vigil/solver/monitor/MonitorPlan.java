package io.vigil.solver.monitor;

import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.ir.Term;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sessions of one policy index, and how each position quantifier of its rules uses the
 * indexes. Built once per policy from the compiled IR and shared by every {@link Monitor}.
 *
 * <p>For a quantifier over positions j, the plan is a <em>support</em>: a superset of the
 * positions at which the body can take the value that decides the quantifier (true for {@code
 * ExistsPos} and {@code CountPos}, false for {@code ForallPos}). A support is a union of
 * {@link Alt}s, each the positions an index holds for one event kind and tool set, optionally only
 * those where a path into the event (an argument, a field of the output) equals, or contains, a
 * value fixed outside the quantifier, and optionally only those inside a {@code within} window.
 * The body is still evaluated at every visited position, so the index only decides which
 * positions are skipped, never what a formula means. A body whose support is not known this way
 * (null) is scanned like {@link io.vigil.solver.eval.Evaluator} does.
 */
public final class MonitorPlan {
  /** History length from which a session keeps indexes; shorter histories are scanned. */
  public static final int DEFAULT_INDEX_FROM = 32;

  /**
   * An index: the positions of events of {@code kind} (and of one of {@code tools}, empty = any),
   * or, with a {@code path}, those positions grouped by the path's value at them ({@code
   * membership}: by each element of a list value, each key of an object value; a string value, in
   * which anything may be a substring, is kept apart and always visited). With a {@code filter},
   * only the positions where it holds (or could not be evaluated) enter: a formula about the event
   * at position variable {@code filterVar} alone, so its value at a position never changes.
   */
  record IndexSpec(EventKind kind, Set<String> tools, Term path, int pathVariables, boolean membership,
      Formula filter, int filterVar, int filterVariables) {}

  /**
   * One part of a support: the positions of index {@code spec} under {@code key}, not older than
   * {@code window} seconds; {@code filtered}: the body's conjuncts that the spec's filter is made
   * of (true at every position the index holds).
   */
  record Alt(int spec, Term key, BigDecimal window, List<Formula> filtered) {
    Alt(int spec, Term key, BigDecimal window) {
      this(spec, key, window, List.of());
    }
  }

  /**
   * How one quantifier is served. {@code support} null: scan. {@code since}: the body is a {@code
   * G since F} anchor, whose {@code ForallPos} conjunct bounds the anchor from below by the latest
   * position that breaks F. {@code residual}: the body with the conjuncts its (single) support
   * part's filter has already checked replaced by true, for the positions that index names; null
   * when there are none.
   */
  record QuantPlan(List<Alt> support, Formula.ForallPos since, Formula residual) {
    QuantPlan(List<Alt> support, Formula.ForallPos since) {
      this(support, since, null);
    }
  }

  private final CompiledPolicy policy;
  private final int indexFrom;
  private final List<IndexSpec> specs = new ArrayList<>();
  private final Map<IndexSpec, Integer> specIds = new HashMap<>();
  private final IdentityHashMap<Object, QuantPlan> plans = new IdentityHashMap<>();
  @SuppressWarnings("unchecked")
  private final ConcurrentHashMap<String, EventIndexing>[] specsByEvent = new ConcurrentHashMap[EventKind.values().length];
  private List<PathGroup> groups;
  private int[] specGroup;
  private int[] specSlot;
  private int indexVariables;
  private final int maxRuleVariables;
  private final PayloadReads.Reads payloadReads;
  /** Per rule, the tools a candidate must call to trigger it (null: any). */
  private final List<Set<String>> triggerTools = new ArrayList<>();
  private final ConcurrentHashMap<String, List<CompiledRule>> rulesByTool = new ConcurrentHashMap<>();

  private MonitorPlan(CompiledPolicy policy, int indexFrom) {
    this.policy = policy;
    this.indexFrom = indexFrom;
    for (int k = 0; k < specsByEvent.length; k++) {
      specsByEvent[k] = new ConcurrentHashMap<>();
    }
    for (CompiledRule rule : policy.rules()) {
      visit(rule.triggered());
      visit(rule.requirement());
      triggerTools.add(triggerTools(rule.triggered()));
    }
    groupSpecs();
    maxRuleVariables = policy.rules().stream().mapToInt(CompiledRule::variables).max().orElse(0);
    payloadReads = PayloadReads.of(policy);
  }

  /** The most position and element variables any rule uses (an evaluator for every rule). */
  int maxRuleVariables() {
    return maxRuleVariables;
  }

  /**
   * The tools whose calls can trigger a rule: those of an event test of the candidate among the
   * trigger's conjuncts (a call of any other tool makes the trigger false and the rule hold).
   */
  private static Set<String> triggerTools(Formula triggered) {
    for (Formula x : conjuncts(triggered)) {
      if (x instanceof Formula.EventIs e && e.pos().equals(Pos.CURRENT)) {
        if (e.kind() != EventKind.CALL) {
          return Set.of(); // the candidate is a call: never triggered
        }
        if (!e.tools().isEmpty()) {
          return e.tools();
        }
      }
    }
    return null;
  }

  /** The rules a call of {@code tool} can trigger, in policy order; every other rule holds. */
  public List<CompiledRule> rulesFor(String tool) {
    List<CompiledRule> known = rulesByTool.get(tool); // no bin lock on the hot path
    if (known != null) {
      return known;
    }
    return rulesByTool.computeIfAbsent(tool, t -> {
      List<CompiledRule> out = new ArrayList<>();
      for (int i = 0; i < policy.rules().size(); i++) {
        Set<String> tools = triggerTools.get(i);
        if (tools == null || tools.contains(t)) {
          out.add(policy.rules().get(i));
        }
      }
      return List.copyOf(out);
    });
  }

  public static MonitorPlan of(CompiledPolicy policy) {
    return new MonitorPlan(policy, DEFAULT_INDEX_FROM);
  }

  /** {@code indexFrom}: the history length from which sessions index (0: always). */
  public static MonitorPlan of(CompiledPolicy policy, int indexFrom) {
    return new MonitorPlan(policy, indexFrom);
  }

  public CompiledPolicy policy() {
    return policy;
  }

  public int indexFrom() {
    return indexFrom;
  }

  /** A new session with an empty history. */
  public Monitor newMonitor() {
    return new Monitor(this, false);
  }

  /**
   * A new session that keeps of each tool output only what the rules can read (see {@link
   * PayloadReads}): its decisions are the same, but its {@link Monitor#history()} is not the
   * session's history (alternatives, which draw on every value seen, and anything else that
   * needs the events themselves must read them elsewhere, e.g. from the event store).
   */
  public Monitor newCompactMonitor() {
    return new Monitor(this, true);
  }

  PayloadReads.Reads payloadReads() {
    return payloadReads;
  }

  /** The number of indexes each session keeps, and of quantifiers served by them (for reports). */
  public int indexCount() {
    return specs.size();
  }

  public int servedQuantifiers() {
    return (int) plans.values().stream().filter(p -> p.support() != null).count();
  }

  public int quantifiers() {
    return plans.size();
  }

  List<IndexSpec> specs() {
    return specs;
  }

  QuantPlan plan(Object quantifier) {
    return plans.get(quantifier);
  }

  /**
   * What indexing one event does: the plain specs it enters, and the path groups it is keyed in
   * (each group's path evaluated once, its members' filters each once).
   */
  record EventIndexing(int[] plainSpecs, int[] groups) {}

  /**
   * Keyed specs with the same event kind, tools and path, differing in their filters: the
   * path's value is computed, and hashed, once per event for all of them.
   */
  record PathGroup(IndexSpec shape, int[] members) {}

  List<PathGroup> groups() {
    return groups;
  }

  /** The group of a keyed spec and its slot among the group's members. */
  int groupOf(int spec) {
    return specGroup[spec];
  }

  int slotOf(int spec) {
    return specSlot[spec];
  }

  /** Variables an evaluator of this plan's paths and filters needs. */
  int indexVariables() {
    return indexVariables;
  }

  /** The indexes an event enters. */
  EventIndexing indexingOf(Event e) {
    EventKind kind;
    String tool = "";
    if (e instanceof Event.ToolCall c) {
      kind = EventKind.CALL;
      tool = c.tool();
    } else if (e instanceof Event.ToolResult r) {
      kind = r.ok() ? EventKind.OK : EventKind.ERROR;
      tool = r.tool();
    } else if (e instanceof Event.UserMessage) {
      kind = EventKind.USER_MESSAGE;
    } else {
      kind = EventKind.ASSISTANT_MESSAGE;
    }
    EventKind k = kind;
    String t = tool;
    EventIndexing known = specsByEvent[kind.ordinal()].get(tool);
    if (known != null) {
      return known;
    }
    return specsByEvent[kind.ordinal()].computeIfAbsent(tool, key -> {
      List<Integer> plain = new ArrayList<>();
      Set<Integer> keyed = new java.util.TreeSet<>();
      for (int i = 0; i < specs.size(); i++) {
        IndexSpec s = specs.get(i);
        if (s.kind() == k && (s.tools().isEmpty() || s.tools().contains(t))) {
          if (s.path() == null) {
            plain.add(i);
          } else {
            keyed.add(specGroup[i]);
          }
        }
      }
      return new EventIndexing(plain.stream().mapToInt(Integer::intValue).toArray(),
          keyed.stream().mapToInt(Integer::intValue).toArray());
    });
  }

  private void groupSpecs() {
    Map<IndexSpec, Integer> byShape = new HashMap<>();
    List<List<Integer>> members = new ArrayList<>();
    List<IndexSpec> shapes = new ArrayList<>();
    specGroup = new int[specs.size()];
    specSlot = new int[specs.size()];
    int variables = 1;
    for (int i = 0; i < specs.size(); i++) {
      IndexSpec s = specs.get(i);
      variables = Math.max(variables, Math.max(s.pathVariables(), s.filterVariables()));
      if (s.path() == null) {
        specGroup[i] = -1;
        continue;
      }
      IndexSpec shape = new IndexSpec(s.kind(), s.tools(), s.path(), s.pathVariables(), s.membership(), null, 0, 0);
      int g = byShape.computeIfAbsent(shape, x -> {
        shapes.add(x);
        members.add(new ArrayList<>());
        return shapes.size() - 1;
      });
      specGroup[i] = g;
      specSlot[i] = members.get(g).size();
      members.get(g).add(i);
    }
    List<PathGroup> out = new ArrayList<>();
    for (int g = 0; g < shapes.size(); g++) {
      out.add(new PathGroup(shapes.get(g), members.get(g).stream().mapToInt(Integer::intValue).toArray()));
    }
    groups = List.copyOf(out);
    indexVariables = variables;
  }

  // ------------------------------------------------------------------ analysis

  private void visit(Formula f) {
    if (f instanceof Formula.Not n) {
      visit(n.operand());
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(this::visit);
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(this::visit);
    } else if (f instanceof Formula.Implies i) {
      visit(i.premise());
      visit(i.conclusion());
    } else if (f instanceof Formula.Compare c) {
      visit(c.left());
      visit(c.right());
    } else if (f instanceof Formula.In in) {
      visit(in.element());
      visit(in.collection());
    } else if (f instanceof Formula.Matches m) {
      visit(m.subject());
    } else if (f instanceof Formula.ExistsPos e) {
      if (!plans.containsKey(e)) {
        Set<Integer> inside = binders(e.body());
        inside.add(e.var());
        List<Alt> support = support(e.body(), true, e.var(), inside);
        plans.put(e, new QuantPlan(support, sinceConjunct(e), residual(e.body(), support)));
      }
      visit(e.body());
    } else if (f instanceof Formula.ForallPos a) {
      if (!plans.containsKey(a)) {
        Set<Integer> inside = binders(a.body());
        inside.add(a.var());
        List<Alt> support = support(a.body(), false, a.var(), inside);
        plans.put(a, new QuantPlan(support, null, residual(a.body(), support)));
      }
      visit(a.body());
    } else if (f instanceof Formula.ExistsElem e) {
      visit(e.list());
      visit(e.body());
    } else if (f instanceof Formula.ForallElem a) {
      visit(a.list());
      visit(a.body());
    } else if (f instanceof Formula.Truthy t) {
      visit(t.term());
    }
  }

  private void visit(Term t) {
    if (t instanceof Term.Field f) {
      visit(f.base());
    } else if (t instanceof Term.Index i) {
      visit(i.base());
      visit(i.index());
    } else if (t instanceof Term.MapList m) {
      visit(m.list());
      visit(m.body());
    } else if (t instanceof Term.Arith a) {
      visit(a.left());
      visit(a.right());
    } else if (t instanceof Term.Negate n) {
      visit(n.operand());
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(this::visit);
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(this::visit);
    } else if (t instanceof Term.CountPos c) {
      if (!plans.containsKey(c)) {
        Set<Integer> inside = binders(c.body());
        inside.add(c.var());
        List<Alt> support = support(c.body(), true, c.var(), inside);
        plans.put(c, new QuantPlan(support, null, residual(c.body(), support)));
      }
      visit(c.body());
    } else if (t instanceof Term.Truth truth) {
      visit(truth.formula());
    }
  }

  /**
   * The body to evaluate at positions of a single-part support with a filter: its filter's
   * conjuncts (these very formula objects, about the quantified position alone) hold there, so
   * they become true. Only the connectives on the way to them are rebuilt; nested quantifiers
   * are kept as they are (their plans are found by identity).
   */
  private static Formula residual(Formula body, List<Alt> support) {
    if (support == null || support.size() != 1 || support.get(0).filtered().isEmpty()) {
      return null;
    }
    Set<Formula> known = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    known.addAll(support.get(0).filtered());
    Formula residual = withoutKnown(body, known);
    return residual == body ? null : residual;
  }

  private static Formula withoutKnown(Formula f, Set<Formula> known) {
    if (known.contains(f)) {
      return Formula.TRUE;
    }
    if (f instanceof Formula.Not n) {
      Formula operand = withoutKnown(n.operand(), known);
      return operand == n.operand() ? f : new Formula.Not(operand);
    }
    if (f instanceof Formula.Implies i) {
      Formula premise = withoutKnown(i.premise(), known);
      Formula conclusion = withoutKnown(i.conclusion(), known);
      return premise == i.premise() && conclusion == i.conclusion() ? f : new Formula.Implies(premise, conclusion);
    }
    if (f instanceof Formula.And a) {
      List<Formula> out = new ArrayList<>();
      boolean changed = false;
      for (Formula x : a.operands()) {
        Formula y = withoutKnown(x, known);
        changed |= y != x;
        if (y != Formula.TRUE) {
          out.add(y);
        }
      }
      return !changed ? f : out.isEmpty() ? Formula.TRUE : out.size() == 1 ? out.get(0) : new Formula.And(out);
    }
    if (f instanceof Formula.Or o) {
      List<Formula> out = new ArrayList<>();
      boolean changed = false;
      for (Formula x : o.operands()) {
        Formula y = withoutKnown(x, known);
        changed |= y != x;
        out.add(y);
      }
      return changed ? new Formula.Or(out) : f;
    }
    return f;
  }

  /** The {@code ForallPos} of a compiled {@code F since G}: over (j, hi), not mentioning j. */
  private static Formula.ForallPos sinceConjunct(Formula.ExistsPos e) {
    for (Formula x : conjuncts(e.body())) {
      if (x instanceof Formula.ForallPos a
          && a.lo().equals(new Pos.Shift(new Pos.Var(e.var()), 1))
          && a.hi().equals(e.hi())
          && !references(a.body()).contains(e.var())) {
        return a;
      }
    }
    return null;
  }

  /**
   * A superset of the positions j at which {@code f} can be {@code value}, as a union of index
   * parts; null when it may be any position. {@code inside}: the variables bound by the
   * quantifier and within its body (a key term must mention none of them).
   */
  private List<Alt> support(Formula f, boolean value, int j, Set<Integer> inside) {
    if (f instanceof Formula.Const c) {
      return c.value() == value ? null : List.of();
    }
    if (f instanceof Formula.Not n) {
      return support(n.operand(), !value, j, inside);
    }
    if (f instanceof Formula.Implies i) {
      return support(new Formula.Or(List.of(new Formula.Not(i.premise()), i.conclusion())), value, j, inside);
    }
    if (f instanceof Formula.Or o) {
      return value ? union(o.operands(), true, j, inside) : anyOf(o.operands(), false, j, inside);
    }
    if (f instanceof Formula.And a) {
      return value ? conjunction(a, j, inside) : union(a.operands(), false, j, inside);
    }
    if (f instanceof Formula.EventIs e && value && e.pos().equals(new Pos.Var(j))) {
      return List.of(new Alt(spec(e, null, false, 0, null, j), null, null));
    }
    return null;
  }

  private List<Alt> union(List<Formula> operands, boolean value, int j, Set<Integer> inside) {
    List<Alt> out = new ArrayList<>();
    for (Formula x : operands) {
      List<Alt> s = support(x, value, j, inside);
      if (s == null) {
        return null;
      }
      out.addAll(s);
    }
    return List.copyOf(out);
  }

  /** Every operand must take the value: any one operand's support will do; the first known one. */
  private List<Alt> anyOf(List<Formula> operands, boolean value, int j, Set<Integer> inside) {
    for (Formula x : operands) {
      List<Alt> s = support(x, value, j, inside);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** Where a conjunction is true: its event test, narrowed by a key equality and a window. */
  private List<Alt> conjunction(Formula.And and, int j, Set<Integer> inside) {
    List<Formula> parts = conjuncts(and);
    Pos at = new Pos.Var(j);
    Formula.EventIs event = null;
    BigDecimal window = null;
    Term path = null;
    Term key = null;
    boolean membership = false;
    List<Formula> filters = new ArrayList<>();
    for (Formula x : parts) {
      if (x instanceof Formula.EventIs e && e.pos().equals(at) && event == null) {
        event = e;
      } else if (IndexFilter.usable(x, j)) {
        filters.add(x);
      } else if (window == null && windowOf(x, j) != null) {
        window = windowOf(x, j);
      } else if (key == null && x instanceof Formula.Compare c && c.op() == Formula.CmpOp.EQ) {
        if (canonicalPath(c.left(), j) != null && closed(c.right(), inside)) {
          path = canonicalPath(c.left(), j);
          key = c.right();
        } else if (canonicalPath(c.right(), j) != null && closed(c.left(), inside)) {
          path = canonicalPath(c.right(), j);
          key = c.left();
        }
      } else if (key == null && x instanceof Formula.In in
          && canonicalPath(in.collection(), j) != null && closed(in.element(), inside)) {
        path = canonicalPath(in.collection(), j);
        key = in.element();
        membership = true;
      }
    }
    if (event != null) {
      int variables = path == null ? 0 : variables(path);
      Formula filter = filters.isEmpty() ? null : filters.size() == 1 ? filters.get(0) : new Formula.And(filters);
      return List.of(new Alt(spec(event, path, membership, variables, filter, j), key, window, List.copyOf(filters)));
    }
    for (Formula x : parts) {
      List<Alt> s = support(x, true, j, inside);
      if (s != null) {
        if (window == null) {
          return s;
        }
        List<Alt> windowed = new ArrayList<>();
        for (Alt alt : s) {
          windowed.add(alt.window() == null ? new Alt(alt.spec(), alt.key(), window, alt.filtered()) : alt);
        }
        return List.copyOf(windowed);
      }
    }
    return null;
  }

  private static List<Formula> conjuncts(Formula f) {
    List<Formula> out = new ArrayList<>();
    if (f instanceof Formula.And a) {
      for (Formula x : a.operands()) {
        out.addAll(conjuncts(x));
      }
    } else {
      out.add(f);
    }
    return out;
  }

  /** {@code now - time(j) <= d} (what {@code within d} compiles to): d, else null. */
  private static BigDecimal windowOf(Formula f, int j) {
    if (f instanceof Formula.Compare c && c.op() == Formula.CmpOp.LE
        && c.left() instanceof Term.Arith a && a.op() == Term.ArithOp.SUB
        && a.left() instanceof Term.Now
        && a.right() instanceof Term.TimeOf t && t.pos().equals(new Pos.Var(j))
        && c.right() instanceof Term.Lit l && l.value() instanceof Value.Num n) {
      return n.value();
    }
    return null;
  }

  private int spec(Formula.EventIs e, Term path, boolean membership, int variables, Formula filter, int j) {
    boolean message = e.kind() == EventKind.USER_MESSAGE || e.kind() == EventKind.ASSISTANT_MESSAGE;
    IndexSpec spec = new IndexSpec(e.kind(), message ? Set.of() : e.tools(), path, variables, membership,
        filter, filter == null ? 0 : j, filter == null ? 0 : IndexFilter.variables(filter, j));
    return specIds.computeIfAbsent(spec, s -> {
      specs.add(s);
      return specs.size() - 1;
    });
  }

  // ------------------------------------------------------------------ paths and variables

  /**
   * A path into the event at j (an argument or the payload, then fields, literal indexes and
   * spreads), with j renamed to position variable 0 and spread variables to 1, 2, ...; else null.
   */
  static Term canonicalPath(Term t, int j) {
    return path(t, j, new HashMap<>());
  }

  private static Term path(Term t, int j, Map<Integer, Integer> renamed) {
    Pos at = new Pos.Var(j);
    if (t instanceof Term.ArgOf a && a.pos().equals(at)) {
      return new Term.ArgOf(new Pos.Var(0), a.param());
    }
    if (t instanceof Term.Payload p && p.pos().equals(at)) {
      return new Term.Payload(new Pos.Var(0), p.kind());
    }
    if (t instanceof Term.ElemVar v && renamed.containsKey(v.id())) {
      return new Term.ElemVar(renamed.get(v.id()));
    }
    if (t instanceof Term.Field f) {
      Term base = path(f.base(), j, renamed);
      return base == null ? null : new Term.Field(base, f.name());
    }
    if (t instanceof Term.Index i && i.index() instanceof Term.Lit) {
      Term base = path(i.base(), j, renamed);
      return base == null ? null : new Term.Index(base, i.index());
    }
    if (t instanceof Term.MapList m) {
      Term list = path(m.list(), j, renamed);
      if (list == null) {
        return null;
      }
      renamed.put(m.var(), renamed.size() + 1);
      Term body = path(m.body(), j, renamed);
      return body == null ? null : new Term.MapList(list, renamed.get(m.var()), body);
    }
    return null;
  }

  /** How many variables a canonical path uses (position 0 and its spread variables). */
  private static int variables(Term path) {
    return maxVariable(path) + 1;
  }

  private static int maxVariable(Term t) {
    if (t instanceof Term.Field f) {
      return maxVariable(f.base());
    }
    if (t instanceof Term.Index i) {
      return maxVariable(i.base());
    }
    if (t instanceof Term.MapList m) {
      return Math.max(m.var(), Math.max(maxVariable(m.list()), maxVariable(m.body())));
    }
    if (t instanceof Term.ElemVar v) {
      return v.id();
    }
    return 0;
  }

  private static boolean closed(Term t, Set<Integer> inside) {
    Set<Integer> refs = new HashSet<>();
    references(t, refs);
    refs.retainAll(inside);
    return refs.isEmpty();
  }

  /** The position and element variables a formula mentions (bound or free). */
  static Set<Integer> references(Formula f) {
    Set<Integer> out = new HashSet<>();
    references(f, out);
    return out;
  }

  private static void references(Formula f, Set<Integer> out) {
    if (f instanceof Formula.Not n) {
      references(n.operand(), out);
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(x -> references(x, out));
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(x -> references(x, out));
    } else if (f instanceof Formula.Implies i) {
      references(i.premise(), out);
      references(i.conclusion(), out);
    } else if (f instanceof Formula.Compare c) {
      references(c.left(), out);
      references(c.right(), out);
    } else if (f instanceof Formula.In in) {
      references(in.element(), out);
      references(in.collection(), out);
    } else if (f instanceof Formula.Matches m) {
      references(m.subject(), out);
    } else if (f instanceof Formula.EventIs e) {
      references(e.pos(), out);
    } else if (f instanceof Formula.PosValid v) {
      references(v.pos(), out);
    } else if (f instanceof Formula.ExistsPos e) {
      out.add(e.var());
      references(e.lo(), out);
      references(e.hi(), out);
      references(e.body(), out);
    } else if (f instanceof Formula.ForallPos a) {
      out.add(a.var());
      references(a.lo(), out);
      references(a.hi(), out);
      references(a.body(), out);
    } else if (f instanceof Formula.ExistsElem e) {
      out.add(e.var());
      references(e.list(), out);
      references(e.body(), out);
    } else if (f instanceof Formula.ForallElem a) {
      out.add(a.var());
      references(a.list(), out);
      references(a.body(), out);
    } else if (f instanceof Formula.Truthy t) {
      references(t.term(), out);
    }
  }

  private static void references(Term t, Set<Integer> out) {
    if (t instanceof Term.ArgOf a) {
      references(a.pos(), out);
    } else if (t instanceof Term.Payload p) {
      references(p.pos(), out);
    } else if (t instanceof Term.TimeOf time) {
      references(time.pos(), out);
    } else if (t instanceof Term.ElemVar v) {
      out.add(v.id());
    } else if (t instanceof Term.Field f) {
      references(f.base(), out);
    } else if (t instanceof Term.Index i) {
      references(i.base(), out);
      references(i.index(), out);
    } else if (t instanceof Term.MapList m) {
      out.add(m.var());
      references(m.list(), out);
      references(m.body(), out);
    } else if (t instanceof Term.Arith a) {
      references(a.left(), out);
      references(a.right(), out);
    } else if (t instanceof Term.Negate n) {
      references(n.operand(), out);
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(x -> references(x, out));
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(x -> references(x, out));
    } else if (t instanceof Term.CountPos c) {
      out.add(c.var());
      references(c.hi(), out);
      references(c.body(), out);
    } else if (t instanceof Term.Truth truth) {
      references(truth.formula(), out);
    }
  }

  private static void references(Pos p, Set<Integer> out) {
    if (p instanceof Pos.Var v) {
      out.add(v.id());
    } else if (p instanceof Pos.Shift s) {
      references(s.base(), out);
    }
  }

  /** The variables a formula binds (quantifiers, counts, spreads), at any depth. */
  private static Set<Integer> binders(Formula f) {
    Set<Integer> out = new HashSet<>();
    binders(f, out);
    return out;
  }

  private static void binders(Formula f, Set<Integer> out) {
    // every variable is bound exactly once per rule, so "mentioned and bound somewhere inside" is
    // what references() finds minus the free ones; collect binders explicitly instead
    if (f instanceof Formula.Not n) {
      binders(n.operand(), out);
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(x -> binders(x, out));
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(x -> binders(x, out));
    } else if (f instanceof Formula.Implies i) {
      binders(i.premise(), out);
      binders(i.conclusion(), out);
    } else if (f instanceof Formula.Compare c) {
      binders(c.left(), out);
      binders(c.right(), out);
    } else if (f instanceof Formula.In in) {
      binders(in.element(), out);
      binders(in.collection(), out);
    } else if (f instanceof Formula.Matches m) {
      binders(m.subject(), out);
    } else if (f instanceof Formula.ExistsPos e) {
      out.add(e.var());
      binders(e.body(), out);
    } else if (f instanceof Formula.ForallPos a) {
      out.add(a.var());
      binders(a.body(), out);
    } else if (f instanceof Formula.ExistsElem e) {
      out.add(e.var());
      binders(e.list(), out);
      binders(e.body(), out);
    } else if (f instanceof Formula.ForallElem a) {
      out.add(a.var());
      binders(a.list(), out);
      binders(a.body(), out);
    } else if (f instanceof Formula.Truthy t) {
      binders(t.term(), out);
    }
  }

  private static void binders(Term t, Set<Integer> out) {
    if (t instanceof Term.Field f) {
      binders(f.base(), out);
    } else if (t instanceof Term.Index i) {
      binders(i.base(), out);
      binders(i.index(), out);
    } else if (t instanceof Term.MapList m) {
      out.add(m.var());
      binders(m.list(), out);
      binders(m.body(), out);
    } else if (t instanceof Term.Arith a) {
      binders(a.left(), out);
      binders(a.right(), out);
    } else if (t instanceof Term.Negate n) {
      binders(n.operand(), out);
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(x -> binders(x, out));
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(x -> binders(x, out));
    } else if (t instanceof Term.CountPos c) {
      out.add(c.var());
      binders(c.body(), out);
    } else if (t instanceof Term.Truth truth) {
      binders(truth.formula(), out);
    }
  }
}
