package io.vigil.guard.generate;

import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.List;

/**
 * A string and a number that occur nowhere in a session: the probes with which the oracle asks
 * whether an argument may take a value the session has not shown. A value the policy can only
 * relate to the session by equality or membership behaves like any other unseen value, so one probe
 * stands for all of them (see {@link PolicyCallOracle#allowedValues} for where that stops holding).
 */
final class FreshValues {
  private static final String STRING_STEM = "vigil~fresh~";
  private static final BigDecimal NUMBER_STEM = new BigDecimal("7919.000131");

  private final Value.Str string;
  private final Value.Num number;

  /** {@code seen}: the session's values and the rules' literals. */
  FreshValues(List<Value> seen) {
    this.string = freshString(seen);
    this.number = freshNumber(seen);
  }

  Value.Str string() {
    return string;
  }

  Value.Num number() {
    return number;
  }

  /** Equal to no seen string and contained in none, so no equality or {@code in} test links it to them. */
  private static Value.Str freshString(List<Value> seen) {
    for (int n = 0; ; n++) {
      String candidate = STRING_STEM + Integer.toString(n * 7 + 3, 36);
      boolean clash = false;
      for (Value v : seen) {
        if (v instanceof Value.Str s && s.value().contains(candidate)) {
          clash = true;
          break;
        }
      }
      if (!clash) {
        return new Value.Str(candidate);
      }
    }
  }

  private static Value.Num freshNumber(List<Value> seen) {
    BigDecimal candidate = NUMBER_STEM;
    while (seen.contains(Value.of(candidate))) {
      candidate = candidate.add(BigDecimal.ONE);
    }
    return new Value.Num(candidate);
  }
}
