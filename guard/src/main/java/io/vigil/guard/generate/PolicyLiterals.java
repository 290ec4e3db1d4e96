package io.vigil.guard.generate;

import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Term;
import io.vigil.solver.value.Value;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scalar literals (strings and numbers) written in rules: values an argument may have to equal
 * even though the session never showed them, such as the cancellation reasons of an {@code in [...]}.
 */
final class PolicyLiterals {
  private PolicyLiterals() {}

  static List<Value> of(List<CompiledRule> rules) {
    Set<Value> out = new LinkedHashSet<>();
    for (CompiledRule rule : rules) {
      formula(rule.holds(), out);
    }
    return List.copyOf(out);
  }

  private static void formula(Formula f, Set<Value> out) {
    if (f instanceof Formula.Not n) {
      formula(n.operand(), out);
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(o -> formula(o, out));
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(x -> formula(x, out));
    } else if (f instanceof Formula.Implies i) {
      formula(i.premise(), out);
      formula(i.conclusion(), out);
    } else if (f instanceof Formula.Compare c) {
      term(c.left(), out);
      term(c.right(), out);
    } else if (f instanceof Formula.In in) {
      term(in.element(), out);
      term(in.collection(), out);
    } else if (f instanceof Formula.Matches m) {
      term(m.subject(), out);
    } else if (f instanceof Formula.ExistsPos e) {
      formula(e.body(), out);
    } else if (f instanceof Formula.ForallPos e) {
      formula(e.body(), out);
    } else if (f instanceof Formula.ExistsElem e) {
      term(e.list(), out);
      formula(e.body(), out);
    } else if (f instanceof Formula.ForallElem e) {
      term(e.list(), out);
      formula(e.body(), out);
    } else if (f instanceof Formula.Truthy t) {
      term(t.term(), out);
    }
    // Const, EventIs, PosValid hold no values
  }

  private static void term(Term t, Set<Value> out) {
    if (t instanceof Term.Lit lit) {
      scalars(lit.value(), out);
    } else if (t instanceof Term.Field f) {
      term(f.base(), out);
    } else if (t instanceof Term.Index i) {
      term(i.base(), out);
      term(i.index(), out);
    } else if (t instanceof Term.MapList m) {
      term(m.list(), out);
      term(m.body(), out);
    } else if (t instanceof Term.Arith a) {
      term(a.left(), out);
      term(a.right(), out);
    } else if (t instanceof Term.Negate n) {
      term(n.operand(), out);
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(x -> term(x, out));
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(x -> term(x, out));
    } else if (t instanceof Term.CountPos c) {
      formula(c.body(), out);
    } else if (t instanceof Term.Truth truth) {
      formula(truth.formula(), out);
    }
    // Now, ArgOf, Payload, TimeOf, ElemVar are values of the trace, not literals
  }

  private static void scalars(Value v, Set<Value> out) {
    if (v instanceof Value.Str || v instanceof Value.Num) {
      out.add(v);
    } else if (v instanceof Value.ListVal l) {
      l.elements().forEach(e -> scalars(e, out));
    }
  }
}
