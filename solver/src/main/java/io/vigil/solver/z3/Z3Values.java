package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.CharSort;
import com.microsoft.z3.Constructor;
import com.microsoft.z3.Context;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.FuncDecl;
import com.microsoft.z3.RealExpr;
import com.microsoft.z3.RealSort;
import com.microsoft.z3.SeqExpr;
import com.microsoft.z3.SeqSort;
import com.microsoft.z3.Sort;
import io.vigil.solver.value.Value;

/**
 * The Z3 sort of scalar values: {@code Val = vstr(String) | vnum(Real) | vbool(Bool) | vnull |
 * vabsent}. Lists and objects stay structured on the Java side ({@link Sym}).
 */
final class Z3Values {
  final Context ctx;
  final DatatypeSort<Object> sort;
  final FuncDecl<DatatypeSort<Object>> vstr;
  final FuncDecl<DatatypeSort<Object>> vnum;
  final FuncDecl<DatatypeSort<Object>> vbool;
  final Expr<DatatypeSort<Object>> vnull;
  final Expr<DatatypeSort<Object>> vabsent;
  private final FuncDecl<?>[] testers = new FuncDecl<?>[5];
  private final FuncDecl<?> strOf;
  private final FuncDecl<?> numOf;
  private final FuncDecl<?> boolOf;

  @SuppressWarnings("unchecked")
  Z3Values(Context ctx) {
    this.ctx = ctx;
    Constructor<Object> str = ctx.mkConstructor("vstr", "is_str", new String[] {"str"}, new Sort[] {ctx.mkStringSort()}, null);
    Constructor<Object> num = ctx.mkConstructor("vnum", "is_num", new String[] {"num"}, new Sort[] {ctx.mkRealSort()}, null);
    Constructor<Object> bool = ctx.mkConstructor("vbool", "is_bool", new String[] {"bool"}, new Sort[] {ctx.mkBoolSort()}, null);
    Constructor<Object> nul = ctx.mkConstructor("vnull", "is_null", null, null, null);
    Constructor<Object> absent = ctx.mkConstructor("vabsent", "is_absent", null, null, null);
    sort = ctx.mkDatatypeSort("Val", new Constructor[] {str, num, bool, nul, absent});
    vstr = str.ConstructorDecl();
    vnum = num.ConstructorDecl();
    vbool = bool.ConstructorDecl();
    vnull = (Expr<DatatypeSort<Object>>) ctx.mkApp(nul.ConstructorDecl());
    vabsent = (Expr<DatatypeSort<Object>>) ctx.mkApp(absent.ConstructorDecl());
    Constructor<Object>[] all = new Constructor[] {str, num, bool, nul, absent};
    for (int i = 0; i < all.length; i++) {
      testers[i] = all[i].getTesterDecl();
    }
    strOf = str.getAccessorDecls()[0];
    numOf = num.getAccessorDecls()[0];
    boolOf = bool.getAccessorDecls()[0];
  }

  private final java.util.Map<String, com.microsoft.z3.ReExpr<SeqSort<CharSort>>> regexes = new java.util.HashMap<>();

  /** Regexes Z3 cannot express, with the reason, so that they are not translated again. */
  private final java.util.Map<String, RegexTranslator.Unsupported> unsupported = new java.util.HashMap<>();

  /**
   * Regexes are translated once per context: translation builds many terms. One that cannot be
   * translated (e.g. {@code \b}) fails the same way every time without being translated again:
   * it used to be retried at every history position, most of a Z3 question's time.
   */
  com.microsoft.z3.ReExpr<SeqSort<CharSort>> regex(String regex, boolean ignoreCase) {
    String key = (ignoreCase ? "i/" : "/") + regex;
    com.microsoft.z3.ReExpr<SeqSort<CharSort>> re = regexes.get(key);
    if (re == null) {
      RegexTranslator.Unsupported failed = unsupported.get(key);
      if (failed != null) {
        throw failed;
      }
      try {
        re = RegexTranslator.translate(ctx, regex, ignoreCase);
      } catch (RegexTranslator.Unsupported e) {
        unsupported.put(key, e);
        throw e;
      }
      regexes.put(key, re);
    }
    return re;
  }

  private final java.util.Map<String, BoolExpr> undecidedMatches = new java.util.HashMap<>();

  /**
   * A free Boolean standing for "this regex (which Z3 cannot express) matches this unknown
   * string"; the same subject and regex always get the same one, as a function would.
   */
  BoolExpr undecidedMatch(Expr<?> subject, String regex, boolean ignoreCase) {
    String key = subject + (ignoreCase ? " ~i " : " ~ ") + regex;
    return undecidedMatches.computeIfAbsent(key, k -> ctx.mkBoolConst("matches!" + undecidedMatches.size()));
  }

  /** A Z3 string literal; characters Z3 would read as escapes are encoded. */
  static SeqExpr<CharSort> string(Context ctx, String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7f && cp != '\\') {
        out.appendCodePoint(cp);
      } else {
        out.append("\\u{").append(Integer.toHexString(cp)).append('}');
      }
    });
    return ctx.mkString(out.toString());
  }

  /** String literals built so far (messages and ids recur in every question about a session); emptied when full. */
  private final java.util.Map<String, Expr<DatatypeSort<Object>>> strings = new java.util.HashMap<>();

  @SuppressWarnings("unchecked")
  Expr<DatatypeSort<Object>> literal(Value v) {
    if (v instanceof Value.Str s) {
      Expr<DatatypeSort<Object>> cached = strings.get(s.value());
      if (cached == null) {
        if (strings.size() >= MAX_CACHED_TERMS) {
          strings.clear();
        }
        cached = (Expr<DatatypeSort<Object>>) ctx.mkApp(vstr, string(ctx, s.value()));
        strings.put(s.value(), cached);
      }
      return cached;
    }
    if (v instanceof Value.Num n) {
      return (Expr<DatatypeSort<Object>>) ctx.mkApp(vnum, ctx.mkReal(n.value().toPlainString()));
    }
    if (v instanceof Value.Bool b) {
      return (Expr<DatatypeSort<Object>>) ctx.mkApp(vbool, ctx.mkBool(b.value()));
    }
    if (v instanceof Value.Null) {
      return vnull;
    }
    return vabsent;
  }

  /** At most this many lists and objects keep their Sym in {@link #containers}, strings their term in {@link #strings}. */
  private static final int MAX_CACHED_TERMS = 4096;

  /**
   * The Syms of lists and objects built so far, by identity: every question about a session
   * encodes the same tool outputs again (they were most of a Z3 question's time after regexes).
   * Values are immutable, and terms of one context serve any of its solvers. Emptied when full.
   */
  private final java.util.Map<Value, Sym> containers = new java.util.IdentityHashMap<>();

  /** A concrete value as a Sym: lists and objects keep their shape. */
  Sym sym(Value v) {
    if (!(v instanceof Value.ListVal) && !(v instanceof Value.Obj)) {
      return new Sym.Scalar(literal(v), v);
    }
    Sym cached = containers.get(v);
    if (cached != null) {
      return cached;
    }
    Sym built;
    if (v instanceof Value.ListVal l) {
      built = new Sym.Lst(l.elements().stream().map(this::sym).toList());
    } else {
      java.util.Map<String, Sym> fields = new java.util.LinkedHashMap<>();
      ((Value.Obj) v).fields().forEach((k, x) -> fields.put(k, sym(x)));
      built = new Sym.Obj(fields);
    }
    if (containers.size() >= MAX_CACHED_TERMS) {
      containers.clear();
    }
    containers.put(v, built);
    return built;
  }

  @SuppressWarnings("unchecked")
  Expr<DatatypeSort<Object>> num(Expr<RealSort> r) {
    return (Expr<DatatypeSort<Object>>) ctx.mkApp(vnum, r);
  }

  @SuppressWarnings("unchecked")
  Expr<DatatypeSort<Object>> str(Expr<SeqSort<CharSort>> s) {
    return (Expr<DatatypeSort<Object>>) ctx.mkApp(vstr, s);
  }

  @SuppressWarnings("unchecked")
  Expr<DatatypeSort<Object>> bool(BoolExpr b) {
    return (Expr<DatatypeSort<Object>>) ctx.mkApp(vbool, b);
  }

  BoolExpr isStr(Expr<?> v) {
    return (BoolExpr) ctx.mkApp(testers[0], v);
  }

  BoolExpr isNum(Expr<?> v) {
    return (BoolExpr) ctx.mkApp(testers[1], v);
  }

  BoolExpr isBool(Expr<?> v) {
    return (BoolExpr) ctx.mkApp(testers[2], v);
  }

  BoolExpr isAbsent(Expr<?> v) {
    return (BoolExpr) ctx.mkApp(testers[4], v);
  }

  @SuppressWarnings("unchecked")
  SeqExpr<CharSort> strOf(Expr<?> v) {
    return (SeqExpr<CharSort>) ctx.mkApp(strOf, v);
  }

  RealExpr numOf(Expr<?> v) {
    return (RealExpr) ctx.mkApp(numOf, v);
  }

  BoolExpr boolOf(Expr<?> v) {
    return (BoolExpr) ctx.mkApp(boolOf, v);
  }
}
