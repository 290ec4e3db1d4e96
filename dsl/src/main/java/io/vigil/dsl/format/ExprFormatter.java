package io.vigil.dsl.format;

import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.ArgPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes an expression on one line with the parentheses it needs to parse back to the same tree:
 * an operand is parenthesized when it binds less tightly than its place requires, unless it is a
 * prefix construct written at the right end of its context (nothing follows it that it could
 * swallow).
 */
final class ExprFormatter {
  private final StringBuilder out = new StringBuilder();

  static String format(Expr expr) {
    ExprFormatter formatter = new ExprFormatter();
    formatter.top(expr);
    return formatter.out.toString();
  }

  /**
   * One operand of a chain of {@code op}: the first is a left operand, the others right operands,
   * the last of them at the end of the expression.
   */
  static String chainOperand(Expr.BinaryOp op, Expr operand, boolean first, boolean last) {
    ExprFormatter formatter = new ExprFormatter();
    int precedence = Precedence.of(op);
    formatter.write(operand, first ? precedence : precedence + 1, last);
    return formatter.out.toString();
  }

  /** An expression between delimiters (a clause, an argument, a list element, parentheses). */
  private void top(Expr expr) {
    write(expr, Precedence.OPEN, true);
  }

  /**
   * @param min the precedence this position requires
   * @param atEnd nothing but a delimiter follows this expression
   */
  private void write(Expr expr, int min, boolean atEnd) {
    boolean parens = Precedence.of(expr) < min && !(atEnd && Precedence.isPrefix(expr));
    if (parens) {
      out.append('(');
      bare(expr, true);
      out.append(')');
    } else {
      bare(expr, atEnd);
    }
  }

  private void bare(Expr expr, boolean atEnd) {
    if (expr instanceof Expr.StringLit s) {
      out.append('"').append(Escapes.string(s.value())).append('"');
    } else if (expr instanceof Expr.NumberLit n) {
      out.append(n.value().toPlainString());
    } else if (expr instanceof Expr.DurationLit d) {
      out.append(d.text());
    } else if (expr instanceof Expr.BoolLit b) {
      out.append(b.value());
    } else if (expr instanceof Expr.NullLit) {
      out.append("null");
    } else if (expr instanceof Expr.Now) {
      out.append("now");
    } else if (expr instanceof Expr.ListLit list) {
      out.append('[');
      commaSeparated(list.elements());
      out.append(']');
    } else if (expr instanceof Expr.VarRef ref) {
      out.append(ref.name());
    } else if (expr instanceof Expr.Field field) {
      write(field.base(), Precedence.POSTFIX, false);
      if (Escapes.isFieldName(field.name())) {
        out.append('.').append(field.name());
      } else {
        out.append("[\"").append(Escapes.string(field.name())).append("\"]");
      }
    } else if (expr instanceof Expr.Index index) {
      write(index.base(), Precedence.POSTFIX, false);
      out.append('[');
      top(index.index());
      out.append(']');
    } else if (expr instanceof Expr.Spread spread) {
      write(spread.base(), Precedence.POSTFIX, false);
      out.append("[*]");
    } else if (expr instanceof Expr.Unary unary) {
      boolean negate = unary.op() == Expr.UnaryOp.NEGATE;
      out.append(negate ? "-" : "not ");
      write(unary.operand(), Precedence.of(unary), atEnd);
    } else if (expr instanceof Expr.Binary binary) {
      binary(binary, atEnd);
    } else if (expr instanceof Expr.Matches matches) {
      write(matches.subject(), Precedence.MATCHES, false);
      out.append(" matches /").append(Escapes.regex(matches.regex())).append('/').append(matches.flags());
    } else if (expr instanceof Expr.Call call) {
      out.append(call.function()).append('(');
      commaSeparated(call.args());
      out.append(')');
    } else if (expr instanceof Expr.EventPattern pattern) {
      pattern(pattern, atEnd);
    } else if (expr instanceof Expr.Once once) {
      temporal("once", once.window(), once.body(), Precedence.ONCE, atEnd);
    } else if (expr instanceof Expr.Historically historically) {
      temporal("historically", historically.window(), historically.body(), Precedence.HISTORICALLY, atEnd);
    } else if (expr instanceof Expr.Previous previous) {
      out.append("previous ");
      write(previous.body(), Precedence.PREVIOUS, atEnd);
    } else if (expr instanceof Expr.Count count) {
      out.append("count");
      count.window().ifPresent(window -> out.append(" within ").append(window.text()).append(' '));
      out.append('(');
      top(count.body());
      out.append(')');
    } else if (expr instanceof Expr.Quantified quantified) {
      out.append(quantified.quantifier() == Expr.Quantifier.EXISTS ? "exists " : "forall ");
      out.append(quantified.variable()).append(" in ");
      write(quantified.domain(), Precedence.IMPLIES, false);
      out.append(": ");
      write(quantified.body(), Precedence.OPEN, atEnd);
    } else {
      throw new IllegalArgumentException("unknown expression " + expr);
    }
  }

  private void binary(Expr.Binary binary, boolean atEnd) {
    int precedence = Precedence.of(binary.op());
    boolean rightAssociative = binary.op() == Expr.BinaryOp.IMPLIES;
    write(binary.left(), rightAssociative ? precedence + 1 : precedence, false);
    out.append(' ').append(binary.op().symbol).append(' ');
    write(binary.right(), rightAssociative ? precedence : precedence + 1, atEnd);
  }

  private void temporal(String keyword, Optional<Expr.DurationLit> window, Expr body, int precedence,
      boolean atEnd) {
    out.append(keyword).append(' ');
    window.ifPresent(w -> out.append("within ").append(w.text()).append(' '));
    write(body, precedence, atEnd);
  }

  /** Writes an event pattern; used for rule triggers too. */
  void pattern(Expr.EventPattern pattern, boolean atEnd) {
    switch (pattern.kind()) {
      case USER_MESSAGE, ASSISTANT_MESSAGE -> {
        out.append(pattern.kind() == Expr.EventKind.USER_MESSAGE ? "user_message" : "assistant_message");
        pattern.binder().ifPresent(binder -> out.append('(').append(binder).append(')'));
      }
      default -> {
        if (pattern.kind() == Expr.EventKind.OK) {
          out.append("ok ");
        } else if (pattern.kind() == Expr.EventKind.ERROR) {
          out.append("error ");
        }
        out.append(pattern.target().orElse("")).append('(');
        List<String> args = new ArrayList<>();
        for (ArgPattern arg : pattern.args()) {
          args.add(arg(arg));
        }
        if (pattern.rest()) {
          args.add("..");
        }
        out.append(String.join(", ", args)).append(')');
        pattern.binder().ifPresent(binder -> out.append(" returns ").append(binder));
      }
    }
    pattern.where().ifPresent(where -> {
      out.append(" where ");
      write(where, Precedence.OPEN, atEnd);
    });
  }

  private static String arg(ArgPattern arg) {
    String value = arg.value().map(ExprFormatter::format).orElse("_");
    return arg.name().map(name -> name + ": " + value).orElse(value);
  }

  private void commaSeparated(List<Expr> exprs) {
    for (int i = 0; i < exprs.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      top(exprs.get(i));
    }
  }

  static String pattern(Expr.EventPattern pattern) {
    ExprFormatter formatter = new ExprFormatter();
    formatter.pattern(pattern, true);
    return formatter.out.toString();
  }
}
