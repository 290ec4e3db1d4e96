package io.vigil.solver.eval;

import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.ir.Term;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides compiled formulas directly on a concrete situation. This is the fast path for ground
 * calls; {@code Z3Decider} is the reference it is tested against.
 *
 * <p>The position quantifiers scan their whole range. They go through {@link #existsPos},
 * {@link #forallPos} and {@link #countPos}, which {@code io.vigil.solver.monitor} overrides to
 * visit only the positions an index says can matter; everything else is shared, so the two
 * cannot differ in what an operator means.
 */
public class Evaluator {
  protected final Situation situation;
  protected final int[] positions;
  protected final Value[] elements;

  public Evaluator(Situation situation, int variables) {
    this.situation = situation;
    this.positions = new int[variables];
    this.elements = new Value[variables];
  }

  public boolean holds(Formula f) {
    if (f instanceof Formula.Const c) {
      return c.value();
    }
    if (f instanceof Formula.Not n) {
      return !holds(n.operand());
    }
    if (f instanceof Formula.And a) {
      List<Formula> operands = a.operands(); // indexed: no iterator per evaluation
      for (int i = 0, n = operands.size(); i < n; i++) {
        if (!holds(operands.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (f instanceof Formula.Or o) {
      List<Formula> operands = o.operands();
      for (int i = 0, n = operands.size(); i < n; i++) {
        if (holds(operands.get(i))) {
          return true;
        }
      }
      return false;
    }
    if (f instanceof Formula.Implies i) {
      return !holds(i.premise()) || holds(i.conclusion());
    }
    if (f instanceof Formula.Compare c) {
      return Operations.compare(c.op(), value(c.left()), value(c.right()));
    }
    if (f instanceof Formula.In in) {
      return Operations.in(value(in.element()), value(in.collection()));
    }
    if (f instanceof Formula.Matches m) {
      return value(m.subject()) instanceof Value.Str s && m.compiled().matcher(s.value()).find();
    }
    if (f instanceof Formula.EventIs e) {
      return EventMatch.is(situation, position(e.pos()), e.kind(), e.tools());
    }
    if (f instanceof Formula.PosValid v) {
      return position(v.pos()) >= 0;
    }
    if (f instanceof Formula.ExistsPos e) {
      return existsPos(e);
    }
    if (f instanceof Formula.ForallPos a) {
      return forallPos(a);
    }
    if (f instanceof Formula.ExistsElem e) {
      for (Value v : elementsOf(value(e.list()))) {
        elements[e.var()] = v;
        if (holds(e.body())) {
          return true;
        }
      }
      return false;
    }
    if (f instanceof Formula.ForallElem a) {
      for (Value v : elementsOf(value(a.list()))) {
        elements[a.var()] = v;
        if (!holds(a.body())) {
          return false;
        }
      }
      return true;
    }
    if (f instanceof Formula.Truthy t) {
      return Value.TRUE.equals(value(t.term()));
    }
    throw new IllegalStateException("unknown formula " + f);
  }

  /** A quantifier over something that is not a list ranges over nothing. */
  private static List<Value> elementsOf(Value v) {
    return v instanceof Value.ListVal l ? l.elements() : List.of();
  }

  public Value value(Term t) {
    if (t instanceof Term.Lit l) {
      return l.value();
    }
    if (t instanceof Term.Now) {
      return Value.of(situation.now());
    }
    if (t instanceof Term.ArgOf a) {
      return EventMatch.args(situation.event(position(a.pos()))).getOrDefault(a.param(), Value.ABSENT);
    }
    if (t instanceof Term.Payload p) {
      return EventMatch.payload(situation.event(position(p.pos())), p.kind());
    }
    if (t instanceof Term.TimeOf time) {
      return Value.of(situation.time(position(time.pos())));
    }
    if (t instanceof Term.ElemVar v) {
      return elements[v.id()];
    }
    if (t instanceof Term.Field f) {
      return Operations.field(value(f.base()), f.name());
    }
    if (t instanceof Term.Index i) {
      return Operations.index(value(i.base()), value(i.index()));
    }
    if (t instanceof Term.MapList m) {
      Value list = value(m.list());
      if (!(list instanceof Value.ListVal l)) {
        return Value.ABSENT;
      }
      List<Value> out = new ArrayList<>();
      for (Value element : l.elements()) {
        elements[m.var()] = element;
        Value mapped = value(m.body());
        if (m.body() instanceof Term.MapList && mapped instanceof Value.ListVal inner) {
          out.addAll(inner.elements());
        } else if (!mapped.isAbsent()) {
          out.add(mapped);
        }
      }
      return new Value.ListVal(out);
    }
    if (t instanceof Term.Arith a) {
      return Operations.arith(a.op(), value(a.left()), value(a.right()));
    }
    if (t instanceof Term.Negate n) {
      return Operations.negate(value(n.operand()));
    }
    if (t instanceof Term.Apply a) {
      List<Value> args = new ArrayList<>(a.args().size());
      a.args().forEach(x -> args.add(value(x)));
      return Operations.apply(a.function(), args);
    }
    if (t instanceof Term.ListOf l) {
      List<Value> out = new ArrayList<>();
      for (Term x : l.elements()) {
        Value v = value(x);
        if (!v.isAbsent()) {
          out.add(v);
        }
      }
      return new Value.ListVal(out);
    }
    if (t instanceof Term.CountPos c) {
      return Value.of(countPos(c));
    }
    if (t instanceof Term.Truth truth) {
      return Value.of(holds(truth.formula()));
    }
    throw new IllegalStateException("unknown term " + t);
  }

  /** Some j in [lo, hi) satisfies the body: the reference scan. */
  protected boolean existsPos(Formula.ExistsPos e) {
    int hi = position(e.hi());
    for (int j = Math.max(0, position(e.lo())); j < hi; j++) {
      positions[e.var()] = j;
      if (holds(e.body())) {
        return true;
      }
    }
    return false;
  }

  /** Every j in [lo, hi) satisfies the body: the reference scan. */
  protected boolean forallPos(Formula.ForallPos a) {
    int hi = position(a.hi());
    for (int j = Math.max(0, position(a.lo())); j < hi; j++) {
      positions[a.var()] = j;
      if (!holds(a.body())) {
        return false;
      }
    }
    return true;
  }

  /** The number of j in [0, hi) that satisfy the body: the reference scan. */
  protected int countPos(Term.CountPos c) {
    int hi = position(c.hi());
    int count = 0;
    for (int j = 0; j < hi; j++) {
      positions[c.var()] = j;
      if (holds(c.body())) {
        count++;
      }
    }
    return count;
  }

  protected int position(Pos p) {
    return Pos.resolve(p, situation.candidatePosition(), positions);
  }

  /**
   * The events that make {@code f} come out as {@code expected}: for a failed requirement, the
   * events that broke a {@code historically}, or the near misses of an unmet {@code once}.
   */
  public Set<Integer> witnesses(Formula f, boolean expected) {
    Set<Integer> out = new TreeSet<>();
    explain(f, expected, out);
    return out;
  }

  private void explain(Formula f, boolean value, Set<Integer> out) {
    if (f instanceof Formula.Not n) {
      explain(n.operand(), !value, out);
    } else if (f instanceof Formula.And a) {
      for (Formula x : a.operands()) {
        if (!value && !holds(x)) {
          explain(x, false, out);
          return;
        }
        if (value) {
          explain(x, true, out);
        }
      }
    } else if (f instanceof Formula.Or o) {
      for (Formula x : o.operands()) {
        if (value && holds(x)) {
          explain(x, true, out);
          return;
        }
        if (!value) {
          explain(x, false, out);
        }
      }
    } else if (f instanceof Formula.Implies i) {
      explain(new Formula.Or(List.of(new Formula.Not(i.premise()), i.conclusion())), value, out);
    } else if (f instanceof Formula.ExistsPos e) {
      int hi = position(e.hi());
      for (int j = Math.max(0, position(e.lo())); j < hi; j++) {
        positions[e.var()] = j;
        if (value && holds(e.body())) {
          out.add(j);
          explain(e.body(), true, out);
          return;
        }
        if (!value && startsWithMatchingEvent(e.body())) {
          out.add(j); // the right kind of event, but the rest of the condition failed
        }
      }
    } else if (f instanceof Formula.ForallPos a) {
      int hi = position(a.hi());
      for (int j = Math.max(0, position(a.lo())); j < hi; j++) {
        positions[a.var()] = j;
        if (!value && !holds(a.body())) {
          out.add(j);
          explain(a.body(), false, out);
          return;
        }
      }
    } else if (f instanceof Formula.EventIs e && value) {
      int p = position(e.pos());
      if (p < situation.candidatePosition()) {
        out.add(p);
      }
    }
  }

  /** Whether every event test among the body's top-level conjuncts holds. */
  private boolean startsWithMatchingEvent(Formula body) {
    List<Formula> tests = new ArrayList<>();
    collectEventTests(body, tests);
    return !tests.isEmpty() && tests.stream().allMatch(this::holds);
  }

  private static void collectEventTests(Formula f, List<Formula> out) {
    if (f instanceof Formula.And a) {
      a.operands().forEach(x -> collectEventTests(x, out));
    } else if (f instanceof Formula.EventIs) {
      out.add(f);
    }
  }
}
