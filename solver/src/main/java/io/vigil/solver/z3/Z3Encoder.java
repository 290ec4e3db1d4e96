package io.vigil.solver.z3;

import com.microsoft.z3.ArithExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.FuncDecl;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.RealExpr;
import com.microsoft.z3.RealSort;
import io.vigil.solver.eval.EventMatch;
import io.vigil.solver.eval.Operations;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.ir.Term;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes compiled formulas for Z3 over a trace whose positions are known. Position quantifiers
 * are bounded, so they unroll into finite conjunctions and disjunctions; values of the trace are
 * Z3 literals and the arguments not yet known are Z3 constants. Operators are encoded in Z3's
 * theories (reals, strings, regular expressions), never evaluated on the Java side, so Z3 really
 * decides and the evaluator can be checked against it.
 */
final class Z3Encoder {
  private final Context ctx;
  private final Z3Values val;
  private final EventSource events;
  private final int[] positions;
  private final Sym[] elements;
  private final Map<String, FuncDecl<DatatypeSort<Object>>> uninterpreted = new HashMap<>();

  Z3Encoder(Context ctx, Z3Values val, Situation situation, Map<String, Sym> unknownArgs, int variables) {
    this(ctx, val, new ConcreteEvents(val, situation, unknownArgs), variables);
  }

  Z3Encoder(Context ctx, Z3Values val, EventSource events, int variables) {
    this.ctx = ctx;
    this.val = val;
    this.events = events;
    this.positions = new int[variables];
    this.elements = new Sym[variables];
  }

  BoolExpr formula(Formula f) {
    if (f instanceof Formula.Const c) {
      return ctx.mkBool(c.value());
    }
    if (f instanceof Formula.Not n) {
      return ctx.mkNot(formula(n.operand()));
    }
    if (f instanceof Formula.And a) {
      List<BoolExpr> parts = new ArrayList<>();
      for (Formula x : a.operands()) {
        BoolExpr part = formula(x);
        if (part.isFalse()) {
          return part; // e.g. `previous` at position 0: the rest refers to no event
        }
        parts.add(part);
      }
      return and(parts);
    }
    if (f instanceof Formula.Or o) {
      return or(o.operands().stream().map(this::formula).toList());
    }
    if (f instanceof Formula.Implies i) {
      return ctx.mkImplies(formula(i.premise()), formula(i.conclusion()));
    }
    if (f instanceof Formula.Compare c) {
      return compare(c.op(), term(c.left()), term(c.right()));
    }
    if (f instanceof Formula.In in) {
      return in(term(in.element()), term(in.collection()));
    }
    if (f instanceof Formula.Matches m) {
      return matches(term(m.subject()), m);
    }
    if (f instanceof Formula.EventIs e) {
      return events.eventIs(position(e.pos()), e.kind(), e.tools());
    }
    if (f instanceof Formula.PosValid v) {
      return ctx.mkBool(position(v.pos()) >= 0);
    }
    if (f instanceof Formula.ExistsPos e) {
      List<BoolExpr> cases = new ArrayList<>();
      for (int j = Math.max(0, position(e.lo())), hi = position(e.hi()); j < hi; j++) {
        positions[e.var()] = j;
        cases.add(formula(e.body()));
      }
      return or(cases);
    }
    if (f instanceof Formula.ForallPos a) {
      List<BoolExpr> cases = new ArrayList<>();
      for (int j = Math.max(0, position(a.lo())), hi = position(a.hi()); j < hi; j++) {
        positions[a.var()] = j;
        cases.add(formula(a.body()));
      }
      return and(cases);
    }
    if (f instanceof Formula.ExistsElem e) {
      return quantify(term(e.list()), e.var(), e.body(), true);
    }
    if (f instanceof Formula.ForallElem a) {
      return quantify(term(a.list()), a.var(), a.body(), false);
    }
    if (f instanceof Formula.Truthy t) {
      return truthy(term(t.term()));
    }
    throw new IllegalStateException("unknown formula " + f);
  }

  private BoolExpr quantify(Sym list, int var, Formula body, boolean exists) {
    if (list instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), quantify(ite.then(), var, body, exists), quantify(ite.otherwise(), var, body, exists));
    }
    if (list instanceof Sym.Json j) {
      return quantify(j.factory.list(j), var, body, exists);
    }
    List<BoolExpr> cases = new ArrayList<>();
    if (list instanceof Sym.Lst l) {
      for (Sym element : l.elements()) {
        elements[var] = element;
        cases.add(formula(body));
      }
    } else if (list instanceof Sym.SymLst s) {
      for (int i = 0; i < s.elements().size(); i++) {
        elements[var] = s.elements().get(i);
        BoolExpr present = ctx.mkLt(ctx.mkInt(i), s.length());
        cases.add(exists ? ctx.mkAnd(present, formula(body)) : ctx.mkImplies(present, formula(body)));
      }
    }
    return exists ? or(cases) : and(cases);
  }

  // ---- terms

  Sym term(Term t) {
    if (t instanceof Term.Lit l) {
      return lift(l.value());
    }
    if (t instanceof Term.Now) {
      return events.now();
    }
    if (t instanceof Term.ArgOf a) {
      int p = position(a.pos());
      return p < 0 ? absent() : events.arg(p, a.param());
    }
    if (t instanceof Term.Payload p) {
      if (position(p.pos()) < 0) {
        return absent();
      }
      return events.payload(position(p.pos()), p.kind());
    }
    if (t instanceof Term.TimeOf time) {
      if (position(time.pos()) < 0) {
        return absent();
      }
      return events.time(position(time.pos()));
    }
    if (t instanceof Term.ElemVar v) {
      return elements[v.id()];
    }
    if (t instanceof Term.Field f) {
      return field(term(f.base()), f.name());
    }
    if (t instanceof Term.Index i) {
      return index(term(i.base()), term(i.index()));
    }
    if (t instanceof Term.MapList m) {
      return mapList(term(m.list()), m);
    }
    if (t instanceof Term.Arith a) {
      return arith(a.op(), term(a.left()), term(a.right()));
    }
    if (t instanceof Term.Negate n) {
      Expr<DatatypeSort<Object>> x = scalar(term(n.operand()));
      return scalar(ite(val.isNum(x), val.num(ctx.mkUnaryMinus(val.numOf(x))), val.vabsent));
    }
    if (t instanceof Term.Apply a) {
      return apply(a);
    }
    if (t instanceof Term.ListOf l) {
      List<Sym> out = new ArrayList<>();
      for (Term x : l.elements()) {
        Sym s = term(x);
        if (!isKnownAbsent(s)) {
          out.add(s);
        }
      }
      return new Sym.Lst(out);
    }
    if (t instanceof Term.CountPos c) {
      List<ArithExpr<RealSort>> ones = new ArrayList<>();
      for (int j = 0, hi = position(c.hi()); j < hi; j++) {
        positions[c.var()] = j;
        ones.add(realIte(formula(c.body()), ctx.mkReal(1), ctx.mkReal(0)));
      }
      return scalar(val.num(sum(ones)));
    }
    if (t instanceof Term.Truth truth) {
      return scalar(val.bool(formula(truth.formula())));
    }
    throw new IllegalStateException("unknown term " + t);
  }

  private Sym mapList(Sym list, Term.MapList m) {
    if (list instanceof Sym.Json j) {
      return mapList(j.factory.list(j), m);
    }
    if (list instanceof Sym.Ite ite) {
      return new Sym.Ite(ite.condition(), mapList(ite.then(), m), mapList(ite.otherwise(), m));
    }
    if (list instanceof Sym.Lst l) {
      List<Sym> out = new ArrayList<>();
      for (Sym element : l.elements()) {
        elements[m.var()] = element;
        Sym mapped = term(m.body());
        if (m.body() instanceof Term.MapList && mapped instanceof Sym.Lst inner) {
          out.addAll(inner.elements());
        } else if (!isKnownAbsent(mapped)) {
          out.add(mapped);
        }
      }
      return new Sym.Lst(out);
    }
    if (list instanceof Sym.SymLst s) {
      List<Sym> out = new ArrayList<>();
      for (Sym element : s.elements()) {
        elements[m.var()] = element;
        out.add(term(m.body()));
      }
      return new Sym.SymLst(s.length(), out);
    }
    return absent();
  }

  private Sym field(Sym base, String name) {
    if (base instanceof Sym.Ite ite) {
      return new Sym.Ite(ite.condition(), field(ite.then(), name), field(ite.otherwise(), name));
    }
    if (base instanceof Sym.Obj o) {
      return o.fields().getOrDefault(name, absent());
    }
    if (base instanceof Sym.Json j) {
      return j.factory.field(j, name);
    }
    if (base instanceof Sym.Scalar s && s.known() == null) {
      return scalar(uf("field_" + name, s.expr()));
    }
    return absent();
  }

  private Sym index(Sym base, Sym index) {
    if (base instanceof Sym.Ite ite) {
      return new Sym.Ite(ite.condition(), index(ite.then(), index), index(ite.otherwise(), index));
    }
    if (index instanceof Sym.Ite ite) {
      return new Sym.Ite(ite.condition(), index(base, ite.then()), index(base, ite.otherwise()));
    }
    if (index instanceof Sym.Json j) {
      index = asScalar(j);
    }
    if (!(index instanceof Sym.Scalar key)) {
      return absent();
    }
    if (base instanceof Sym.Json j) {
      return j.factory.index(j, key);
    }
    if (base instanceof Sym.Lst l) {
      Sym out = absent();
      for (int i = l.elements().size() - 1; i >= 0; i--) {
        out = choose(ctx.mkEq(key.expr(), val.literal(Value.of(i))), l.elements().get(i), out, key);
      }
      return out;
    }
    if (base instanceof Sym.SymLst s) {
      Sym out = absent();
      for (int i = s.elements().size() - 1; i >= 0; i--) {
        BoolExpr hit = ctx.mkAnd(ctx.mkEq(key.expr(), val.literal(Value.of(i))), ctx.mkLt(ctx.mkInt(i), s.length()));
        out = new Sym.Ite(hit, s.elements().get(i), out);
      }
      return out;
    }
    if (base instanceof Sym.Obj o) {
      Sym out = absent();
      List<String> keys = new ArrayList<>(o.fields().keySet());
      for (int i = keys.size() - 1; i >= 0; i--) {
        out = choose(ctx.mkEq(key.expr(), val.literal(Value.of(keys.get(i)))), o.fields().get(keys.get(i)), out, key);
      }
      return out;
    }
    if (base instanceof Sym.Scalar s && s.known() == null) {
      return scalar(uf2("index", s.expr(), key.expr()));
    }
    return absent();
  }

  /** A literal key picks its branch on the Java side, keeping ground encodings small. */
  private Sym choose(BoolExpr hit, Sym then, Sym otherwise, Sym.Scalar key) {
    if (key.known() != null) {
      return hit.simplify().isTrue() ? then : otherwise;
    }
    return new Sym.Ite(hit, then, otherwise);
  }

  private Sym arith(Term.ArithOp op, Sym left, Sym right) {
    Expr<DatatypeSort<Object>> a = scalar(left);
    Expr<DatatypeSort<Object>> b = scalar(right);
    BoolExpr nums = ctx.mkAnd(val.isNum(a), val.isNum(b));
    RealExpr x = val.numOf(a);
    RealExpr y = val.numOf(b);
    switch (op) {
      case ADD:
        return scalar(ite(nums, val.num(ctx.mkAdd(x, y)),
            ite(ctx.mkAnd(val.isStr(a), val.isStr(b)), val.str(ctx.mkConcat(val.strOf(a), val.strOf(b))), val.vabsent)));
      case SUB:
        return scalar(ite(nums, val.num(ctx.mkSub(x, y)), val.vabsent));
      case MUL:
        return scalar(ite(nums, val.num(ctx.mkMul(x, y)), val.vabsent));
      default:
        IntExpr p = ctx.mkReal2Int(x);
        IntExpr q = ctx.mkReal2Int(y);
        BoolExpr integral = ctx.mkAnd(nums, ctx.mkIsInteger(x), ctx.mkIsInteger(y), ctx.mkNot(ctx.mkEq(q, ctx.mkInt(0))));
        return scalar(ite(integral, val.num(ctx.mkInt2Real(ctx.mkMod(p, q))), val.vabsent));
    }
  }

  private Sym apply(Term.Apply a) {
    List<Sym> args = a.args().stream().map(this::term).toList();
    Sym first = args.get(0);
    if (first instanceof Sym.Ite ite && a.function() != Term.Function.MIN && a.function() != Term.Function.MAX) {
      return new Sym.Ite(ite.condition(),
          apply(a.function(), List.of(ite.then())), apply(a.function(), List.of(ite.otherwise())));
    }
    return apply(a.function(), args);
  }

  private Sym apply(Term.Function f, List<Sym> args) {
    Sym a = args.get(0);
    if (a instanceof Sym.Json j) {
      if (f == Term.Function.LEN) {
        return scalar(val.num(ctx.mkInt2Real(j.factory.list(j).length())));
      }
      if (f == Term.Function.SUM) {
        return apply(f, List.of(j.factory.list(j)));
      }
      if (f == Term.Function.KEYS) {
        return j.factory.keys(j);
      }
      a = asScalar(j);
    }
    switch (f) {
      case LEN:
        if (a instanceof Sym.Lst l) {
          return lift(Value.of(l.elements().size()));
        }
        if (a instanceof Sym.Obj o) {
          return lift(Value.of(o.fields().size()));
        }
        if (a instanceof Sym.SymLst s) {
          return scalar(val.num(ctx.mkInt2Real(s.length())));
        }
        if (a instanceof Sym.Scalar s) {
          return scalar(ite(val.isStr(s.expr()), val.num(ctx.mkInt2Real(ctx.mkLength(val.strOf(s.expr())))), val.vabsent));
        }
        return absent();
      case SUM:
        if (a instanceof Sym.Lst l) {
          List<ArithExpr<RealSort>> terms = new ArrayList<>();
          List<BoolExpr> allNumbers = new ArrayList<>();
          for (Sym e : l.elements()) {
            Expr<DatatypeSort<Object>> x = scalar(e);
            allNumbers.add(val.isNum(x));
            terms.add(val.numOf(x));
          }
          return scalar(ite(and(allNumbers), val.num(sum(terms)), val.vabsent));
        }
        if (a instanceof Sym.SymLst s) {
          List<ArithExpr<RealSort>> terms = new ArrayList<>();
          List<BoolExpr> allNumbers = new ArrayList<>();
          for (int i = 0; i < s.elements().size(); i++) {
            Expr<DatatypeSort<Object>> x = scalar(s.elements().get(i));
            BoolExpr present = ctx.mkLt(ctx.mkInt(i), s.length());
            allNumbers.add(ctx.mkImplies(present, val.isNum(x)));
            terms.add(realIte(present, val.numOf(x), ctx.mkReal(0)));
          }
          return scalar(ite(and(allNumbers), val.num(sum(terms)), val.vabsent));
        }
        return absent();
      case KEYS:
        if (a instanceof Sym.Obj o) {
          return new Sym.Lst(o.fields().keySet().stream().map(k -> lift(Value.of(k))).toList());
        }
        return absent();
      case TIME:
      case LOWER:
      case UPPER:
        // No Z3 theory parses dates or folds case: literals are converted here, unknown strings
        // become uninterpreted functions of the string.
        if (a instanceof Sym.Scalar s && s.known() != null) {
          return lift(Operations.apply(f, List.of(s.known())));
        }
        if (a instanceof Sym.Scalar s) {
          return scalar(ite(val.isStr(s.expr()), uf(f.name().toLowerCase(), s.expr()), val.vabsent));
        }
        return absent();
      case ABS: {
        Expr<DatatypeSort<Object>> x = scalar(a);
        RealExpr n = val.numOf(x);
        return scalar(ite(val.isNum(x), val.num(ite(ctx.mkGe(n, ctx.mkReal(0)), n, ctx.mkUnaryMinus(n))), val.vabsent));
      }
      default: {
        Expr<DatatypeSort<Object>> x = scalar(a);
        Expr<DatatypeSort<Object>> y = scalar(args.get(1));
        BoolExpr firstSmaller = ctx.mkLe(val.numOf(x), val.numOf(y));
        BoolExpr pickFirst = f == Term.Function.MIN ? firstSmaller : ctx.mkNot(firstSmaller);
        return scalar(ite(ctx.mkAnd(val.isNum(x), val.isNum(y)), ite(pickFirst, x, y), val.vabsent));
      }
    }
  }

  // ---- predicates

  BoolExpr eq(Sym a, Sym b) {
    if (a instanceof Sym.Json j) {
      return eq(asScalar(j), b);
    }
    if (b instanceof Sym.Json j) {
      return eq(a, asScalar(j));
    }
    if (a instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), eq(ite.then(), b), eq(ite.otherwise(), b));
    }
    if (b instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), eq(a, ite.then()), eq(a, ite.otherwise()));
    }
    if (a instanceof Sym.Scalar x && b instanceof Sym.Scalar y) {
      return ctx.mkAnd(ctx.mkEq(x.expr(), y.expr()), ctx.mkNot(val.isAbsent(x.expr())));
    }
    if (a instanceof Sym.Lst x && b instanceof Sym.Lst y) {
      if (x.elements().size() != y.elements().size()) {
        return ctx.mkFalse();
      }
      List<BoolExpr> same = new ArrayList<>();
      for (int i = 0; i < x.elements().size(); i++) {
        same.add(eq(x.elements().get(i), y.elements().get(i)));
      }
      return and(same);
    }
    if (a instanceof Sym.Obj x && b instanceof Sym.Obj y) {
      if (!x.fields().keySet().equals(y.fields().keySet())) {
        return ctx.mkFalse();
      }
      return and(x.fields().keySet().stream().map(k -> eq(x.fields().get(k), y.fields().get(k))).toList());
    }
    if (a instanceof Sym.SymLst x && b instanceof Sym.Lst y) {
      return symListEquals(x, y);
    }
    if (a instanceof Sym.Lst x && b instanceof Sym.SymLst y) {
      return symListEquals(y, x);
    }
    return ctx.mkFalse();
  }

  private BoolExpr symListEquals(Sym.SymLst s, Sym.Lst l) {
    int n = l.elements().size();
    if (n > s.elements().size()) {
      return ctx.mkFalse();
    }
    List<BoolExpr> same = new ArrayList<>(List.of(ctx.mkEq(s.length(), ctx.mkInt(n))));
    for (int i = 0; i < n; i++) {
      same.add(eq(s.elements().get(i), l.elements().get(i)));
    }
    return and(same);
  }

  private BoolExpr compare(Formula.CmpOp op, Sym a, Sym b) {
    switch (op) {
      case EQ: return eq(a, b);
      case NE: return ctx.mkNot(eq(a, b));
      default:
        if (!(isScalarLike(a) && isScalarLike(b))) {
          return ctx.mkFalse();
        }
        Expr<DatatypeSort<Object>> x = scalar(a);
        Expr<DatatypeSort<Object>> y = scalar(b);
        RealExpr p = val.numOf(x);
        RealExpr q = val.numOf(y);
        BoolExpr numeric;
        BoolExpr textual;
        switch (op) {
          case LT:
            numeric = ctx.mkLt(p, q);
            textual = ctx.MkStringLt(val.strOf(x), val.strOf(y));
            break;
          case LE:
            numeric = ctx.mkLe(p, q);
            textual = ctx.MkStringLe(val.strOf(x), val.strOf(y));
            break;
          case GT:
            numeric = ctx.mkGt(p, q);
            textual = ctx.MkStringLt(val.strOf(y), val.strOf(x));
            break;
          default:
            numeric = ctx.mkGe(p, q);
            textual = ctx.MkStringLe(val.strOf(y), val.strOf(x));
        }
        return ctx.mkOr(ctx.mkAnd(val.isNum(x), val.isNum(y), numeric), ctx.mkAnd(val.isStr(x), val.isStr(y), textual));
    }
  }

  private BoolExpr in(Sym element, Sym collection) {
    if (element instanceof Sym.Json j) {
      return in(asScalar(j), collection);
    }
    if (collection instanceof Sym.Json j) {
      return or(List.of(in(element, j.factory.keys(j)), in(element, j.factory.list(j)), in(element, asScalar(j))));
    }
    if (collection instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), in(element, ite.then()), in(element, ite.otherwise()));
    }
    if (collection instanceof Sym.Lst l) {
      return or(l.elements().stream().map(e -> eq(element, e)).toList());
    }
    if (collection instanceof Sym.SymLst s) {
      List<BoolExpr> cases = new ArrayList<>();
      for (int i = 0; i < s.elements().size(); i++) {
        cases.add(ctx.mkAnd(ctx.mkLt(ctx.mkInt(i), s.length()), eq(element, s.elements().get(i))));
      }
      return or(cases);
    }
    if (collection instanceof Sym.Obj o) {
      return or(o.fields().keySet().stream().map(k -> eq(element, lift(Value.of(k)))).toList());
    }
    if (collection instanceof Sym.Scalar c && isScalarLike(element)) {
      Expr<DatatypeSort<Object>> e = scalar(element);
      return ctx.mkAnd(val.isStr(c.expr()), val.isStr(e), ctx.mkContains(val.strOf(c.expr()), val.strOf(e)));
    }
    return ctx.mkFalse();
  }

  private BoolExpr matches(Sym subject, Formula.Matches m) {
    if (subject instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), matches(ite.then(), m), matches(ite.otherwise(), m));
    }
    if (subject instanceof Sym.Json j) {
      subject = asScalar(j);
    }
    if (!(subject instanceof Sym.Scalar s)) {
      return ctx.mkFalse();
    }
    try {
      return ctx.mkAnd(val.isStr(s.expr()), ctx.mkInRe(val.strOf(s.expr()), val.regex(m.regex(), m.ignoreCase())));
    } catch (RegexTranslator.Unsupported e) {
      if (s.known() != null) {
        // e.g. \b: Z3 has no word boundaries; a literal subject is matched by java.util.regex
        return ctx.mkBool(s.known() instanceof Value.Str str && m.compiled().matcher(str.value()).find());
      }
      // An unknown subject: match the regex without its word boundaries (a superset of the
      // strings it matches), and leave the rest free. Both `matches` and `not matches` stay
      // over-approximated, so "no history exists" answers remain sound; witnesses are replayed.
      String relaxed = m.regex().replace("\\b", "");
      BoolExpr free = val.undecidedMatch(s.expr(), m.regex(), m.ignoreCase());
      return ctx.mkAnd(val.isStr(s.expr()), ctx.mkInRe(val.strOf(s.expr()), val.regex(relaxed, m.ignoreCase())), free);
    }
  }

  private BoolExpr truthy(Sym s) {
    if (s instanceof Sym.Ite ite) {
      return (BoolExpr) ctx.mkITE(ite.condition(), truthy(ite.then()), truthy(ite.otherwise()));
    }
    if (s instanceof Sym.Json j) {
      s = asScalar(j);
    }
    return s instanceof Sym.Scalar x ? ctx.mkEq(x.expr(), val.literal(Value.TRUE)) : ctx.mkFalse();
  }

  // ---- helpers

  private boolean isScalarLike(Sym s) {
    return s instanceof Sym.Scalar || s instanceof Sym.Json || (s instanceof Sym.Ite ite && isScalarLike(ite.then()) && isScalarLike(ite.otherwise()));
  }

  /** A scalar view of any value; lists and objects become absent (they are never ordered or added). */
  @SuppressWarnings("unchecked")
  private Expr<DatatypeSort<Object>> scalar(Sym s) {
    if (s instanceof Sym.Scalar x) {
      return x.expr();
    }
    if (s instanceof Sym.Json j) {
      return j.factory.scalar(j);
    }
    if (s instanceof Sym.Ite ite) {
      return (Expr<DatatypeSort<Object>>) ctx.mkITE(ite.condition(), scalar(ite.then()), scalar(ite.otherwise()));
    }
    return val.vabsent;
  }

  private static Sym.Scalar asScalar(Sym.Json j) {
    return new Sym.Scalar(j.factory.scalar(j), null);
  }

  private Sym scalar(Expr<DatatypeSort<Object>> e) {
    return new Sym.Scalar(e, null);
  }

  Sym lift(Value v) {
    return val.sym(v);
  }

  private Sym absent() {
    return lift(Value.ABSENT);
  }

  private static boolean isKnownAbsent(Sym s) {
    return s instanceof Sym.Scalar x && x.known() instanceof Value.Absent;
  }

  @SuppressWarnings("unchecked")
  private <S extends com.microsoft.z3.Sort> Expr<S> ite(BoolExpr c, Expr<? extends S> a, Expr<? extends S> b) {
    return (Expr<S>) ctx.mkITE(c, a, b);
  }

  @SuppressWarnings("unchecked")
  private ArithExpr<RealSort> realIte(BoolExpr c, Expr<RealSort> a, Expr<RealSort> b) {
    return (ArithExpr<RealSort>) ctx.mkITE(c, a, b);
  }

  private RealExpr sum(List<ArithExpr<RealSort>> terms) {
    if (terms.isEmpty()) {
      return ctx.mkReal(0);
    }
    @SuppressWarnings("unchecked")
    ArithExpr<RealSort>[] array = terms.toArray(new ArithExpr[0]);
    return (RealExpr) ctx.mkAdd(array);
  }

  /** Conjunction without the literal trues; a literal false decides it. */
  private BoolExpr and(List<BoolExpr> xs) {
    List<BoolExpr> kept = new ArrayList<>();
    for (BoolExpr x : xs) {
      if (x.isFalse()) {
        return x;
      }
      if (!x.isTrue()) {
        kept.add(x);
      }
    }
    return kept.isEmpty() ? ctx.mkTrue() : kept.size() == 1 ? kept.get(0) : ctx.mkAnd(kept.toArray(new BoolExpr[0]));
  }

  /** Disjunction without the literal falses; a literal true decides it. */
  private BoolExpr or(List<BoolExpr> xs) {
    List<BoolExpr> kept = new ArrayList<>();
    for (BoolExpr x : xs) {
      if (x.isTrue()) {
        return x;
      }
      if (!x.isFalse()) {
        kept.add(x);
      }
    }
    return kept.isEmpty() ? ctx.mkFalse() : kept.size() == 1 ? kept.get(0) : ctx.mkOr(kept.toArray(new BoolExpr[0]));
  }

  private Expr<DatatypeSort<Object>> uf(String name, Expr<DatatypeSort<Object>> arg) {
    FuncDecl<DatatypeSort<Object>> f = uninterpreted.computeIfAbsent(name, n -> ctx.mkFuncDecl(n, val.sort, val.sort));
    return ctx.mkApp(f, arg);
  }

  private Expr<DatatypeSort<Object>> uf2(String name, Expr<DatatypeSort<Object>> a, Expr<DatatypeSort<Object>> b) {
    FuncDecl<DatatypeSort<Object>> f = uninterpreted.computeIfAbsent(name,
        n -> ctx.mkFuncDecl(n, new com.microsoft.z3.Sort[] {val.sort, val.sort}, val.sort));
    return ctx.mkApp(f, a, b);
  }

  private int position(Pos p) {
    return Pos.resolve(p, events.candidatePosition(), positions);
  }
}
