package io.vigil.solver.eval;

import io.vigil.solver.ir.Formula.CmpOp;
import io.vigil.solver.ir.Term.ArithOp;
import io.vigil.solver.ir.Term.Function;
import io.vigil.solver.trace.Timestamps;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The meaning of each operator on concrete values; the Z3 encoding mirrors it. */
public final class Operations {
  private Operations() {}

  public static boolean compare(CmpOp op, Value a, Value b) {
    switch (op) {
      case EQ: return Value.same(a, b);
      case NE: return !Value.same(a, b);
      default:
        Integer c = order(a, b);
        if (c == null) {
          return false;
        }
        switch (op) {
          case LT: return c < 0;
          case LE: return c <= 0;
          case GT: return c > 0;
          default: return c >= 0;
        }
    }
  }

  private static Integer order(Value a, Value b) {
    if (a instanceof Value.Num x && b instanceof Value.Num y) {
      return x.value().compareTo(y.value());
    }
    if (a instanceof Value.Str x && b instanceof Value.Str y) {
      return Integer.signum(x.value().compareTo(y.value()));
    }
    return null;
  }

  public static boolean in(Value element, Value collection) {
    if (collection instanceof Value.ListVal l) {
      // absent equals nothing; the list's own contains() hashes long lists
      return !element.isAbsent() && l.elements().contains(element);
    }
    if (collection instanceof Value.Obj o) {
      return element instanceof Value.Str s && o.fields().containsKey(s.value());
    }
    if (collection instanceof Value.Str s) {
      return element instanceof Value.Str e && s.value().contains(e.value());
    }
    return false;
  }

  public static Value field(Value base, String name) {
    if (base instanceof Value.Obj o) {
      return o.fields().getOrDefault(name, Value.ABSENT);
    }
    return Value.ABSENT;
  }

  public static Value index(Value base, Value index) {
    if (base instanceof Value.ListVal l && index instanceof Value.Num n) {
      BigInteger i = integer(n.value());
      if (i != null && i.signum() >= 0 && i.compareTo(BigInteger.valueOf(l.elements().size())) < 0) {
        return l.elements().get(i.intValue());
      }
      return Value.ABSENT;
    }
    if (base instanceof Value.Obj o && index instanceof Value.Str s) {
      return o.fields().getOrDefault(s.value(), Value.ABSENT);
    }
    return Value.ABSENT;
  }

  public static Value arith(ArithOp op, Value a, Value b) {
    if (op == ArithOp.ADD && a instanceof Value.Str x && b instanceof Value.Str y) {
      return Value.of(x.value() + y.value());
    }
    if (!(a instanceof Value.Num x) || !(b instanceof Value.Num y)) {
      return Value.ABSENT;
    }
    switch (op) {
      case ADD: return Value.of(x.value().add(y.value()));
      case SUB: return Value.of(x.value().subtract(y.value()));
      case MUL: return Value.of(x.value().multiply(y.value()));
      default:
        BigInteger p = integer(x.value());
        BigInteger q = integer(y.value());
        if (p == null || q == null || q.signum() == 0) {
          return Value.ABSENT;
        }
        return Value.of(new BigDecimal(p.mod(q.abs()))); // Euclidean: never negative
    }
  }

  public static Value negate(Value a) {
    return a instanceof Value.Num n ? Value.of(n.value().negate()) : Value.ABSENT;
  }

  public static Value apply(Function f, List<Value> args) {
    Value a = args.get(0);
    switch (f) {
      case LEN:
        if (a instanceof Value.ListVal l) {
          return Value.of(l.elements().size());
        }
        if (a instanceof Value.Str s) {
          return Value.of(s.value().codePointCount(0, s.value().length()));
        }
        if (a instanceof Value.Obj o) {
          return Value.of(o.fields().size());
        }
        return Value.ABSENT;
      case SUM:
        if (!(a instanceof Value.ListVal l)) {
          return Value.ABSENT;
        }
        BigDecimal total = BigDecimal.ZERO;
        for (Value v : l.elements()) {
          if (!(v instanceof Value.Num n)) {
            return Value.ABSENT;
          }
          total = total.add(n.value());
        }
        return Value.of(total);
      case KEYS:
        if (a instanceof Value.Obj o) {
          List<Value> keys = new ArrayList<>();
          o.fields().keySet().forEach(k -> keys.add(Value.of(k)));
          return new Value.ListVal(keys);
        }
        return Value.ABSENT;
      case TIME:
        return a instanceof Value.Str s
            ? Timestamps.parseSeconds(s.value()).map(Value::of).orElse(Value.ABSENT)
            : Value.ABSENT;
      case LOWER:
        return a instanceof Value.Str s ? Value.of(s.value().toLowerCase(Locale.ROOT)) : Value.ABSENT;
      case UPPER:
        return a instanceof Value.Str s ? Value.of(s.value().toUpperCase(Locale.ROOT)) : Value.ABSENT;
      case ABS:
        return a instanceof Value.Num n ? Value.of(n.value().abs()) : Value.ABSENT;
      default:
        Value b = args.get(1);
        if (!(a instanceof Value.Num x) || !(b instanceof Value.Num y)) {
          return Value.ABSENT;
        }
        boolean min = f == Function.MIN;
        return (x.value().compareTo(y.value()) <= 0) == min ? a : b;
    }
  }

  static BigInteger integer(BigDecimal d) {
    try {
      return d.toBigIntegerExact();
    } catch (ArithmeticException notInteger) {
      return null;
    }
  }
}
