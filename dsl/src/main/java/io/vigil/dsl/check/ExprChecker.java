package io.vigil.dsl.check;

import static io.vigil.dsl.check.Types.BOOL;
import static io.vigil.dsl.check.Types.JSON;
import static io.vigil.dsl.check.Types.NUMBER;
import static io.vigil.dsl.check.Types.STRING;

import io.vigil.dsl.Builtins;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Infers the type of expressions and reports unbound names and type mismatches. */
final class ExprChecker {
  private final Reporter reporter;
  private final PatternChecker patterns;

  ExprChecker(Policy policy, Reporter reporter) {
    this.reporter = reporter;
    this.patterns = new PatternChecker(policy, reporter, this);
  }

  PatternChecker patterns() {
    return patterns;
  }

  /** Checks {@code expr}, which must be a formula, and names it {@code role} in messages. */
  void expectBool(Expr expr, Scope scope, String role) {
    Type type = infer(expr, scope);
    if (!Types.compatible(type, BOOL)) {
      reporter.error(expr.position(), role + " must be bool, got " + type);
    }
  }

  Type infer(Expr expr, Scope scope) {
    if (expr instanceof Expr.StringLit) {
      return STRING;
    } else if (expr instanceof Expr.NumberLit || expr instanceof Expr.DurationLit || expr instanceof Expr.Now) {
      return NUMBER;
    } else if (expr instanceof Expr.BoolLit) {
      return BOOL;
    } else if (expr instanceof Expr.NullLit) {
      return JSON;
    } else if (expr instanceof Expr.ListLit list) {
      return list(list, scope);
    } else if (expr instanceof Expr.VarRef ref) {
      return variable(ref, scope);
    } else if (expr instanceof Expr.Field field) {
      return field(field, scope);
    } else if (expr instanceof Expr.Index index) {
      return index(index, scope);
    } else if (expr instanceof Expr.Spread spread) {
      return spread(spread, scope);
    } else if (expr instanceof Expr.Unary unary) {
      return unary(unary, scope);
    } else if (expr instanceof Expr.Binary binary) {
      return binary(binary, scope);
    } else if (expr instanceof Expr.Matches matches) {
      return matches(matches, scope);
    } else if (expr instanceof Expr.Call call) {
      return call(call, scope);
    } else if (expr instanceof Expr.EventPattern pattern) {
      return patterns.inFormula(pattern, scope);
    } else if (expr instanceof Expr.Once once) {
      return temporal("once", once.body(), scope, BOOL);
    } else if (expr instanceof Expr.Historically historically) {
      return temporal("historically", historically.body(), scope, BOOL);
    } else if (expr instanceof Expr.Previous previous) {
      return temporal("previous", previous.body(), scope, BOOL);
    } else if (expr instanceof Expr.Count count) {
      return temporal("count", count.body(), scope, NUMBER);
    } else if (expr instanceof Expr.Quantified quantified) {
      return quantified(quantified, scope);
    }
    throw new IllegalArgumentException("unknown expression " + expr);
  }

  private Type list(Expr.ListLit list, Scope scope) {
    Set<Type> elements = new HashSet<>();
    for (Expr element : list.elements()) {
      Type type = infer(element, scope);
      if (type != JSON) {
        elements.add(type);
      }
    }
    return new Type.ListOf(elements.size() == 1 ? elements.iterator().next() : JSON);
  }

  private Type variable(Expr.VarRef ref, Scope scope) {
    return scope.use(ref.name()).map(binding -> binding.type).orElseGet(() -> {
      reporter.error(ref.position(), "unbound variable '" + ref.name() + "'");
      return JSON;
    });
  }

  private Type field(Expr.Field field, Scope scope) {
    Type base = infer(field.base(), scope);
    if (base == JSON) {
      return JSON;
    }
    if (base instanceof Type.ListOf list && list.element() == JSON) {
      return base;
    }
    reporter.error(field.position(), "cannot access field '" + field.name() + "' of " + base);
    return JSON;
  }

  private Type index(Expr.Index index, Scope scope) {
    Type base = infer(index.base(), scope);
    Type key = infer(index.index(), scope);
    if (base == JSON) {
      if (!Types.compatible(key, NUMBER) && !Types.compatible(key, STRING)) {
        reporter.error(index.index().position(), "index must be a number or a string, got " + key);
      }
      return JSON;
    }
    if (base instanceof Type.ListOf list) {
      if (!Types.compatible(key, NUMBER)) {
        reporter.error(index.index().position(), "list index must be a number, got " + key);
      }
      return list.element();
    }
    reporter.error(index.position(), "cannot index " + base);
    return JSON;
  }

  private Type spread(Expr.Spread spread, Scope scope) {
    Type base = infer(spread.base(), scope);
    if (base == JSON) {
      return new Type.ListOf(JSON);
    }
    if (base instanceof Type.ListOf) {
      return base;
    }
    reporter.error(spread.position(), "'[*]' needs a list, got " + base);
    return new Type.ListOf(JSON);
  }

  private Type unary(Expr.Unary unary, Scope scope) {
    Type operand = infer(unary.operand(), scope);
    if (unary.op() == Expr.UnaryOp.NOT) {
      if (!Types.compatible(operand, BOOL)) {
        reporter.error(unary.position(), "operand of 'not' must be bool, got " + operand);
      }
      return BOOL;
    }
    if (!Types.compatible(operand, NUMBER)) {
      reporter.error(unary.position(), "operand of '-' must be number, got " + operand);
    }
    return NUMBER;
  }

  private Type binary(Expr.Binary binary, Scope scope) {
    Type left = infer(binary.left(), scope);
    Type right = infer(binary.right(), scope);
    String op = binary.op().symbol;
    switch (binary.op()) {
      case ADD:
        if (Types.compatible(left, STRING) && Types.compatible(right, STRING)
            && (left == STRING || right == STRING)) {
          return STRING;
        }
        // fall through: otherwise '+' is arithmetic
      case SUB:
      case MUL:
      case MOD:
        if (!Types.compatible(left, NUMBER) || !Types.compatible(right, NUMBER)) {
          reporter.error(binary.position(), "cannot apply '" + op + "' to " + left + " and " + right);
          return JSON;
        }
        return binary.op() == Expr.BinaryOp.ADD && left == JSON && right == JSON ? JSON : NUMBER;
      case EQ:
      case NE:
        if (!Types.compatible(left, right)) {
          reporter.error(binary.position(), "cannot compare " + left + " with " + right);
        }
        return BOOL;
      case LT:
      case LE:
      case GT:
      case GE:
        ordering(binary, left, right);
        return BOOL;
      case IN:
      case NOT_IN:
        membership(binary, left, right);
        return BOOL;
      case SINCE:
      case AND:
      case OR:
      case IMPLIES:
        operandIsBool(binary, binary.left(), left);
        operandIsBool(binary, binary.right(), right);
        return BOOL;
      default:
        throw new IllegalStateException(op);
    }
  }

  private void operandIsBool(Expr.Binary binary, Expr operand, Type type) {
    if (!Types.compatible(type, BOOL)) {
      reporter.error(operand.position(),
          "operand of '" + binary.op().symbol + "' must be bool, got " + type);
    }
  }

  private void ordering(Expr.Binary binary, Type left, Type right) {
    for (Type type : List.of(left, right)) {
      if (type == BOOL || type instanceof Type.ListOf) {
        reporter.error(binary.position(), "cannot order " + type + " values with '" + binary.op().symbol + "'");
        return;
      }
    }
    if (!Types.compatible(left, right)) {
      reporter.error(binary.position(), "cannot compare " + left + " with " + right);
    }
  }

  private void membership(Expr.Binary binary, Type left, Type right) {
    if (right == JSON) {
      return;
    }
    if (right instanceof Type.ListOf list) {
      if (!Types.compatible(left, list.element())) {
        reporter.error(binary.position(), "cannot look for " + left + " in " + right);
      }
      return;
    }
    if (right == STRING) {
      if (!Types.compatible(left, STRING)) {
        reporter.error(binary.position(), "cannot look for " + left + " in string");
      }
      return;
    }
    reporter.error(binary.position(),
        "'" + binary.op().symbol + "' needs a list, an object or a string on the right, got " + right);
  }

  private Type matches(Expr.Matches matches, Scope scope) {
    Type subject = infer(matches.subject(), scope);
    if (!Types.compatible(subject, STRING)) {
      reporter.error(matches.position(), "'matches' needs a string, got " + subject);
    }
    int flags = 0;
    for (char flag : matches.flags().toCharArray()) {
      if (flag == 'i') {
        flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
      } else {
        reporter.error(matches.position(), "unknown regex flag '" + flag + "' (only 'i' is supported)");
      }
    }
    try {
      Pattern.compile(matches.regex(), flags);
    } catch (PatternSyntaxException e) {
      reporter.error(matches.position(), "invalid regex /" + matches.regex() + "/: " + e.getDescription());
    }
    return BOOL;
  }

  private Type call(Expr.Call call, Scope scope) {
    List<Type> args = call.args().stream().map(arg -> infer(arg, scope)).toList();
    String name = call.function();
    Integer arity = Builtins.arity(name).orElse(null);
    if (arity == null) {
      reporter.error(call.position(), "unknown function '" + name + "'");
      return JSON;
    }
    if (args.size() != arity) {
      reporter.error(call.position(), "function '" + name + "' takes " + arity + " argument"
          + (arity == 1 ? "" : "s") + ", got " + args.size());
      return resultOf(name);
    }
    for (int i = 0; i < args.size(); i++) {
      Type arg = args.get(i);
      if (!accepts(name, arg)) {
        reporter.error(call.args().get(i).position(),
            "function '" + name + "' needs " + expectation(name) + ", got " + arg);
      }
    }
    return resultOf(name);
  }

  private static boolean accepts(String function, Type arg) {
    return switch (function) {
      case "len" -> arg == JSON || arg == STRING || arg instanceof Type.ListOf;
      case "sum" -> arg == JSON || (arg instanceof Type.ListOf list && Types.compatible(list.element(), NUMBER));
      case "keys" -> arg == JSON;
      case "time", "lower", "upper" -> Types.compatible(arg, STRING);
      default -> Types.compatible(arg, NUMBER);
    };
  }

  private static String expectation(String function) {
    return switch (function) {
      case "len" -> "a list, a string or an object";
      case "sum" -> "a list of numbers";
      case "keys" -> "an object";
      case "time", "lower", "upper" -> "a string";
      default -> "a number";
    };
  }

  private static Type resultOf(String function) {
    return switch (function) {
      case "keys" -> new Type.ListOf(STRING);
      case "lower", "upper" -> STRING;
      default -> NUMBER;
    };
  }

  private Type temporal(String operator, Expr body, Scope scope, Type result) {
    expectBool(body, scope, "operand of '" + operator + "'");
    return result;
  }

  private Type quantified(Expr.Quantified quantified, Scope scope) {
    Type domain = infer(quantified.domain(), scope);
    Type element = Types.elementOf(domain);
    if (element == null) {
      reporter.error(quantified.domain().position(),
          "'" + quantified.quantifier().name().toLowerCase() + "' needs a list, got " + domain);
      element = JSON;
    }
    Scope body = scope.child();
    body.bind(quantified.variable(), element, quantified.position(), false);
    expectBool(quantified.body(), body, "body of '" + quantified.quantifier().name().toLowerCase() + "'");
    return BOOL;
  }
}
