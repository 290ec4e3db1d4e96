package io.vigil.solver.ir;

/**
 * Whether a formula reads an argument of the call being decided. Position variables range over
 * the strict past, so only {@code ArgOf(Current, param)} reaches the candidate.
 */
public final class CandidateReads {
  private CandidateReads() {}

  public static boolean argument(Formula f, String param) {
    if (f instanceof Formula.Not n) {
      return argument(n.operand(), param);
    }
    if (f instanceof Formula.And a) {
      return a.operands().stream().anyMatch(x -> argument(x, param));
    }
    if (f instanceof Formula.Or o) {
      return o.operands().stream().anyMatch(x -> argument(x, param));
    }
    if (f instanceof Formula.Implies i) {
      return argument(i.premise(), param) || argument(i.conclusion(), param);
    }
    if (f instanceof Formula.Compare c) {
      return argument(c.left(), param) || argument(c.right(), param);
    }
    if (f instanceof Formula.In in) {
      return argument(in.element(), param) || argument(in.collection(), param);
    }
    if (f instanceof Formula.Matches m) {
      return argument(m.subject(), param);
    }
    if (f instanceof Formula.ExistsPos e) {
      return argument(e.body(), param);
    }
    if (f instanceof Formula.ForallPos a) {
      return argument(a.body(), param);
    }
    if (f instanceof Formula.ExistsElem e) {
      return argument(e.list(), param) || argument(e.body(), param);
    }
    if (f instanceof Formula.ForallElem a) {
      return argument(a.list(), param) || argument(a.body(), param);
    }
    if (f instanceof Formula.Truthy t) {
      return argument(t.term(), param);
    }
    return false; // Const, EventIs, PosValid
  }

  static boolean argument(Term t, String param) {
    if (t instanceof Term.ArgOf a) {
      return a.pos() instanceof Pos.Current && a.param().equals(param);
    }
    if (t instanceof Term.Field f) {
      return argument(f.base(), param);
    }
    if (t instanceof Term.Index i) {
      return argument(i.base(), param) || argument(i.index(), param);
    }
    if (t instanceof Term.MapList m) {
      return argument(m.list(), param) || argument(m.body(), param);
    }
    if (t instanceof Term.Arith a) {
      return argument(a.left(), param) || argument(a.right(), param);
    }
    if (t instanceof Term.Negate n) {
      return argument(n.operand(), param);
    }
    if (t instanceof Term.Apply a) {
      return a.args().stream().anyMatch(x -> argument(x, param));
    }
    if (t instanceof Term.ListOf l) {
      return l.elements().stream().anyMatch(x -> argument(x, param));
    }
    if (t instanceof Term.CountPos c) {
      return argument(c.body(), param);
    }
    if (t instanceof Term.Truth truth) {
      return argument(truth.formula(), param);
    }
    return false; // Lit, Now, Payload, TimeOf, ElemVar
  }
}
