package io.vigil.dsl;

import io.vigil.dsl.parser.Durations;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.ArgPattern;
import io.vigil.dsl.tree.Expr.BinaryOp;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.SourcePosition;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Short constructors for expected trees (positions do not take part in equality). */
public final class Trees {
  public static final SourcePosition P = SourcePosition.NONE;

  private Trees() {}

  public static Expr.StringLit str(String value) {
    return new Expr.StringLit(value, P);
  }

  public static Expr.NumberLit num(String value) {
    return new Expr.NumberLit(new BigDecimal(value), P);
  }

  public static Expr.DurationLit dur(String text) {
    return new Expr.DurationLit(Durations.seconds(text), text, P);
  }

  public static Expr.BoolLit bool(boolean value) {
    return new Expr.BoolLit(value, P);
  }

  public static Expr.VarRef v(String name) {
    return new Expr.VarRef(name, P);
  }

  public static Expr.ListLit list(Expr... elements) {
    return new Expr.ListLit(Arrays.asList(elements), P);
  }

  public static Expr.Field field(Expr base, String name) {
    return new Expr.Field(base, name, P);
  }

  public static Expr.Index index(Expr base, Expr index) {
    return new Expr.Index(base, index, P);
  }

  public static Expr.Spread spread(Expr base) {
    return new Expr.Spread(base, P);
  }

  public static Expr.Unary not(Expr operand) {
    return new Expr.Unary(Expr.UnaryOp.NOT, operand, P);
  }

  public static Expr.Unary neg(Expr operand) {
    return new Expr.Unary(Expr.UnaryOp.NEGATE, operand, P);
  }

  public static Expr.Binary bin(BinaryOp op, Expr left, Expr right) {
    return new Expr.Binary(op, left, right, P);
  }

  public static Expr.Matches matches(Expr subject, String regex, String flags) {
    return new Expr.Matches(subject, regex, flags, P);
  }

  public static Expr.Call call(String function, Expr... args) {
    return new Expr.Call(function, Arrays.asList(args), P);
  }

  public static ArgPattern arg(Expr value) {
    return new ArgPattern(Optional.empty(), Optional.of(value), P);
  }

  public static ArgPattern arg(String name, Expr value) {
    return new ArgPattern(Optional.of(name), Optional.of(value), P);
  }

  public static ArgPattern wildcard() {
    return new ArgPattern(Optional.empty(), Optional.empty(), P);
  }

  public static ArgPattern wildcard(String name) {
    return new ArgPattern(Optional.of(name), Optional.empty(), P);
  }

  public static Expr.EventPattern pattern(EventKind kind, String target, List<ArgPattern> args, boolean rest,
      String binder) {
    return new Expr.EventPattern(kind, Optional.ofNullable(target), args, rest, Optional.ofNullable(binder),
        Optional.empty(), P);
  }

  public static Expr.EventPattern callOf(String target, ArgPattern... args) {
    return pattern(EventKind.CALL, target, Arrays.asList(args), false, null);
  }

  public static Expr.EventPattern message(EventKind kind, String binder) {
    return pattern(kind, null, List.of(), false, binder);
  }

  public static Expr.EventPattern where(Expr.EventPattern pattern, Expr condition) {
    return new Expr.EventPattern(pattern.kind(), pattern.target(), pattern.args(), pattern.rest(),
        pattern.binder(), Optional.of(condition), P);
  }

  public static Expr.Once once(Expr body) {
    return new Expr.Once(Optional.empty(), body, P);
  }

  public static Expr.Once once(String window, Expr body) {
    return new Expr.Once(Optional.of(dur(window)), body, P);
  }

  public static Expr.Historically historically(Expr body) {
    return new Expr.Historically(Optional.empty(), body, P);
  }

  public static Expr.Historically historically(String window, Expr body) {
    return new Expr.Historically(Optional.of(dur(window)), body, P);
  }

  public static Expr.Previous previous(Expr body) {
    return new Expr.Previous(body, P);
  }

  public static Expr.Count count(Expr body) {
    return new Expr.Count(Optional.empty(), body, P);
  }

  public static Expr.Count count(String window, Expr body) {
    return new Expr.Count(Optional.of(dur(window)), body, P);
  }

  public static Expr.Quantified exists(String variable, Expr domain, Expr body) {
    return new Expr.Quantified(Expr.Quantifier.EXISTS, variable, domain, body, P);
  }

  public static Expr.Quantified forall(String variable, Expr domain, Expr body) {
    return new Expr.Quantified(Expr.Quantifier.FORALL, variable, domain, body, P);
  }
}
