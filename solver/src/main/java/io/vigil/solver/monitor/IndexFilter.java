package io.vigil.solver.monitor;

import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.ir.Term;
import java.util.HashSet;
import java.util.Set;

/**
 * Which conjuncts of a quantifier's body may filter an index: those about the event at the
 * quantified position alone (its kind, arguments and payload, literals, list elements bound
 * inside), so that their value at a position is fixed once the event is appended and can be
 * computed then, once. They are evaluated at every append of a matching event, so they must also
 * be cheap: no position quantifiers, and no regex over a message's free text (long, and most
 * messages are never asked about). Times are excluded: an event without a time takes the time of
 * the decision.
 */
final class IndexFilter {
  private IndexFilter() {}

  /** Whether {@code f} may filter the index of the quantifier over position variable {@code j}. */
  static boolean usable(Formula f, int j) {
    return closed(f, j, new HashSet<>());
  }

  /** The size of the variable arrays that evaluating the filter needs. */
  static int variables(Formula f, int j) {
    return Math.max(j, maxVariable(f)) + 1;
  }

  private static boolean closed(Formula f, int j, Set<Integer> bound) {
    if (f instanceof Formula.Const) {
      return true;
    }
    if (f instanceof Formula.Not n) {
      return closed(n.operand(), j, bound);
    }
    if (f instanceof Formula.And a) {
      return a.operands().stream().allMatch(x -> closed(x, j, bound));
    }
    if (f instanceof Formula.Or o) {
      return o.operands().stream().allMatch(x -> closed(x, j, bound));
    }
    if (f instanceof Formula.Implies i) {
      return closed(i.premise(), j, bound) && closed(i.conclusion(), j, bound);
    }
    if (f instanceof Formula.Compare c) {
      return closed(c.left(), j, bound) && closed(c.right(), j, bound);
    }
    if (f instanceof Formula.In in) {
      return closed(in.element(), j, bound) && closed(in.collection(), j, bound);
    }
    if (f instanceof Formula.Matches m) {
      return closed(m.subject(), j, bound) && !readsMessageText(m.subject());
    }
    if (f instanceof Formula.EventIs e) {
      return at(e.pos(), j);
    }
    if (f instanceof Formula.PosValid v) {
      return at(v.pos(), j);
    }
    if (f instanceof Formula.ExistsElem e) {
      return closedElem(e.var(), e.list(), e.body(), j, bound);
    }
    if (f instanceof Formula.ForallElem a) {
      return closedElem(a.var(), a.list(), a.body(), j, bound);
    }
    if (f instanceof Formula.Truthy t) {
      return closed(t.term(), j, bound);
    }
    return false; // position quantifiers
  }

  private static boolean closedElem(int var, Term list, Formula body, int j, Set<Integer> bound) {
    if (!closed(list, j, bound)) {
      return false;
    }
    Set<Integer> inner = new HashSet<>(bound);
    inner.add(var);
    return closed(body, j, inner);
  }

  private static boolean closed(Term t, int j, Set<Integer> bound) {
    if (t instanceof Term.Lit) {
      return true;
    }
    if (t instanceof Term.ArgOf a) {
      return at(a.pos(), j);
    }
    if (t instanceof Term.Payload p) {
      return at(p.pos(), j);
    }
    if (t instanceof Term.ElemVar v) {
      return bound.contains(v.id());
    }
    if (t instanceof Term.Field f) {
      return closed(f.base(), j, bound);
    }
    if (t instanceof Term.Index i) {
      return closed(i.base(), j, bound) && closed(i.index(), j, bound);
    }
    if (t instanceof Term.MapList m) {
      if (!closed(m.list(), j, bound)) {
        return false;
      }
      Set<Integer> inner = new HashSet<>(bound);
      inner.add(m.var());
      return closed(m.body(), j, inner);
    }
    if (t instanceof Term.Arith a) {
      return closed(a.left(), j, bound) && closed(a.right(), j, bound);
    }
    if (t instanceof Term.Negate n) {
      return closed(n.operand(), j, bound);
    }
    if (t instanceof Term.Apply a) {
      return a.args().stream().allMatch(x -> closed(x, j, bound));
    }
    if (t instanceof Term.ListOf l) {
      return l.elements().stream().allMatch(x -> closed(x, j, bound));
    }
    if (t instanceof Term.Truth truth) {
      return closed(truth.formula(), j, bound);
    }
    return false; // now, times, counts
  }

  private static boolean at(Pos p, int j) {
    return p instanceof Pos.Var v && v.id() == j;
  }

  private static boolean readsMessageText(Term t) {
    if (t instanceof Term.Payload p) {
      return p.kind() == EventKind.USER_MESSAGE || p.kind() == EventKind.ASSISTANT_MESSAGE;
    }
    if (t instanceof Term.Field f) {
      return readsMessageText(f.base());
    }
    if (t instanceof Term.Index i) {
      return readsMessageText(i.base()) || readsMessageText(i.index());
    }
    if (t instanceof Term.MapList m) {
      return readsMessageText(m.list()) || readsMessageText(m.body());
    }
    if (t instanceof Term.Arith a) {
      return readsMessageText(a.left()) || readsMessageText(a.right());
    }
    if (t instanceof Term.Apply a) {
      return a.args().stream().anyMatch(IndexFilter::readsMessageText);
    }
    if (t instanceof Term.ListOf l) {
      return l.elements().stream().anyMatch(IndexFilter::readsMessageText);
    }
    return false;
  }

  private static int maxVariable(Formula f) {
    int max = 0;
    for (int v : MonitorPlan.references(f)) {
      max = Math.max(max, v);
    }
    return max;
  }
}
