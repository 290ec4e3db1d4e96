package io.vigil.solver.value;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A JSON value as rules see it, plus {@link Absent} for a path that leads nowhere. Numbers are
 * exact decimals, normalized so that equal numbers are equal records.
 */
public sealed interface Value {

  Absent ABSENT = new Absent();
  Null NULL = new Null();
  Bool TRUE = new Bool(true);
  Bool FALSE = new Bool(false);

  record Str(String value) implements Value {}

  record Num(BigDecimal value) implements Value {
    public Num {
      value = normalize(value);
    }

    private static BigDecimal normalize(BigDecimal v) {
      BigDecimal stripped = v.stripTrailingZeros();
      return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
  }

  record Bool(boolean value) implements Value {}

  record Null() implements Value {}

  record Absent() implements Value {}

  record ListVal(List<Value> elements) implements Value {
    public ListVal {
      elements = ValueList.copyOf(elements);
    }
  }

  record Obj(Map<String, Value> fields) implements Value {
    public Obj {
      fields = Fields.copyOf(fields);
    }
  }

  static Value of(String s) {
    return new Str(s);
  }

  static Value of(long n) {
    return new Num(BigDecimal.valueOf(n));
  }

  static Value of(BigDecimal n) {
    return new Num(n);
  }

  static Value of(boolean b) {
    return b ? TRUE : FALSE;
  }

  default boolean isAbsent() {
    return this instanceof Absent;
  }

  /** Structural equality as `==` defines it: absent equals nothing. */
  static boolean same(Value a, Value b) {
    return !(a instanceof Absent) && !(b instanceof Absent) && a.equals(b);
  }
}
