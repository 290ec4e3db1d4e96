package io.vigil.dsl.tree;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** Expressions and formulas: one small immutable record per construct. */
public sealed interface Expr {
  SourcePosition position();

  record StringLit(String value, SourcePosition position) implements Expr {}

  record NumberLit(BigDecimal value, SourcePosition position) implements Expr {}

  /** A duration such as {@code 24h}; its value is in seconds, {@code text} is how it was written. */
  record DurationLit(BigDecimal seconds, String text, SourcePosition position) implements Expr {}

  record BoolLit(boolean value, SourcePosition position) implements Expr {}

  record NullLit(SourcePosition position) implements Expr {}

  /** The time of the call being decided, in seconds since the epoch. */
  record Now(SourcePosition position) implements Expr {}

  record ListLit(List<Expr> elements, SourcePosition position) implements Expr {
    public ListLit {
      elements = List.copyOf(elements);
    }
  }

  record VarRef(String name, SourcePosition position) implements Expr {}

  /** {@code base.name} */
  record Field(Expr base, String name, SourcePosition position) implements Expr {}

  /** {@code base[index]}: a list index (number) or an object key (string). */
  record Index(Expr base, Expr index, SourcePosition position) implements Expr {}

  /** {@code base[*]}: the elements of a list; a path continuing after it maps over them. */
  record Spread(Expr base, SourcePosition position) implements Expr {}

  enum UnaryOp { NEGATE, NOT }

  record Unary(UnaryOp op, Expr operand, SourcePosition position) implements Expr {}

  enum BinaryOp {
    MUL("*"), MOD("%"), ADD("+"), SUB("-"),
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    IN("in"), NOT_IN("not in"),
    SINCE("since"), AND("and"), OR("or"), IMPLIES("implies");

    public final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }
  }

  record Binary(BinaryOp op, Expr left, Expr right, SourcePosition position) implements Expr {}

  /** {@code subject matches /regex/flags}: true when the regex is found in the string. */
  record Matches(Expr subject, String regex, String flags, SourcePosition position) implements Expr {}

  /** A built-in function: len, sum, keys, time, lower, upper, abs, min, max. */
  record Call(String function, List<Expr> args, SourcePosition position) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  enum EventKind { CALL, OK, ERROR, USER_MESSAGE, ASSISTANT_MESSAGE }

  /**
   * A pattern over the event at the current position. {@code target} names a tool or a group
   * (empty for messages). {@code binder} is the name after {@code returns} (the output of an ok
   * result, the error text of an error result) or in {@code user_message(t)} (the text).
   * Variables that the pattern binds are in scope in {@code where}.
   */
  record EventPattern(
      EventKind kind,
      Optional<String> target,
      List<ArgPattern> args,
      boolean rest,
      Optional<String> binder,
      Optional<Expr> where,
      SourcePosition position)
      implements Expr {
    public EventPattern {
      args = List.copyOf(args);
    }
  }

  /**
   * One argument of a tool pattern, positional ({@code name} empty) or named. An empty
   * {@code value} is the wildcard {@code _}. A {@link VarRef} to a name not yet in scope binds it;
   * any other expression must equal the argument.
   */
  record ArgPattern(Optional<String> name, Optional<Expr> value, SourcePosition position) {}

  /** {@code once [within d] f}: f held at some strictly earlier position (within d of now). */
  record Once(Optional<DurationLit> window, Expr body, SourcePosition position) implements Expr {}

  /** {@code historically [within d] f}: f held at every strictly earlier position (within d). */
  record Historically(Optional<DurationLit> window, Expr body, SourcePosition position) implements Expr {}

  /** {@code previous f}: there is an immediately preceding position and f held there. */
  record Previous(Expr body, SourcePosition position) implements Expr {}

  /** {@code count [within d] (f)}: how many strictly earlier positions satisfy f. */
  record Count(Optional<DurationLit> window, Expr body, SourcePosition position) implements Expr {}

  enum Quantifier { EXISTS, FORALL }

  /** {@code exists x in list: body} / {@code forall x in list: body}. */
  record Quantified(Quantifier quantifier, String variable, Expr domain, Expr body, SourcePosition position)
      implements Expr {}
}
