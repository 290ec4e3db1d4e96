package io.vigil.dsl.format;

import io.vigil.dsl.tree.Expr;

/**
 * Binding strength of each construct, mirroring the alternatives of {@code expr} in Vigil.g4
 * (ANTLR numbers them the same way: later alternatives bind less tightly).
 */
final class Precedence {
  static final int OPEN = 0; // `P where F`, `exists x in L: F`: the body runs as far right as it can
  static final int IMPLIES = 1;
  static final int OR = 2;
  static final int AND = 3;
  static final int SINCE = 4;
  static final int NOT = 5;
  static final int MATCHES = 6;
  static final int IN = 7;
  static final int COMPARE = 8;
  static final int ADD = 9;
  static final int MUL = 10;
  static final int NEGATE = 11;
  static final int PREVIOUS = 12;
  static final int HISTORICALLY = 13;
  static final int ONCE = 14;
  static final int POSTFIX = 15;
  static final int ATOM = 100;

  private Precedence() {}

  static int of(Expr expr) {
    if (expr instanceof Expr.Field || expr instanceof Expr.Index || expr instanceof Expr.Spread) {
      return POSTFIX;
    } else if (expr instanceof Expr.Once) {
      return ONCE;
    } else if (expr instanceof Expr.Historically) {
      return HISTORICALLY;
    } else if (expr instanceof Expr.Previous) {
      return PREVIOUS;
    } else if (expr instanceof Expr.Unary unary) {
      return unary.op() == Expr.UnaryOp.NEGATE ? NEGATE : NOT;
    } else if (expr instanceof Expr.Binary binary) {
      return of(binary.op());
    } else if (expr instanceof Expr.Matches) {
      return MATCHES;
    } else if (expr instanceof Expr.Quantified) {
      return OPEN;
    } else if (expr instanceof Expr.EventPattern pattern && pattern.where().isPresent()) {
      return OPEN;
    }
    return ATOM;
  }

  static int of(Expr.BinaryOp op) {
    return switch (op) {
      case MUL, MOD -> MUL;
      case ADD, SUB -> ADD;
      case EQ, NE, LT, LE, GT, GE -> COMPARE;
      case IN, NOT_IN -> IN;
      case SINCE -> SINCE;
      case AND -> AND;
      case OR -> OR;
      case IMPLIES -> IMPLIES;
    };
  }

  /**
   * Constructs that start with a keyword or sign and whose operand extends to the right: written
   * last, they need no parentheses whatever their precedence.
   */
  static boolean isPrefix(Expr expr) {
    return expr instanceof Expr.Once
        || expr instanceof Expr.Historically
        || expr instanceof Expr.Previous
        || expr instanceof Expr.Unary
        || expr instanceof Expr.Quantified
        || (expr instanceof Expr.EventPattern pattern && pattern.where().isPresent());
  }
}
