package io.vigil.llm.grammar;

/**
 * A JSON number (an integer when the schema says so), with bounded digit counts so that every
 * state can still complete. A number ends when a byte that cannot extend it arrives: that byte goes
 * to what follows.
 */
record NumberFrame(boolean integer, int phase, int digits) implements Frame {
  static final int MAX_INT_DIGITS = 15;
  static final int MAX_FRACTION_DIGITS = 15;
  // Two exponent digits keep every number finite as a double (at most about 1e114).
  static final int MAX_EXPONENT_DIGITS = 2;

  static final int START = 0;
  static final int MINUS = 1;
  static final int ZERO = 2;
  static final int INT = 3;
  static final int POINT = 4;
  static final int FRACTION = 5;
  static final int E = 6;
  static final int E_SIGN = 7;
  static final int EXPONENT = 8;

  static NumberFrame start(boolean integer) {
    return new NumberFrame(integer, START, 0);
  }

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    boolean digit = b >= '0' && b <= '9';
    switch (phase) {
      case START:
        if (b == '-') {
          return self.replace(new NumberFrame(integer, MINUS, 0));
        }
        return firstDigit(self, b, digit);
      case MINUS:
        return firstDigit(self, b, digit);
      case ZERO:
        return afterInteger(self, b, events);
      case INT:
        if (digit && digits < MAX_INT_DIGITS) {
          return self.replace(new NumberFrame(integer, INT, digits + 1));
        }
        return afterInteger(self, b, events);
      case POINT:
        return digit ? self.replace(new NumberFrame(integer, FRACTION, 1)) : null;
      case FRACTION:
        if (digit && digits < MAX_FRACTION_DIGITS) {
          return self.replace(new NumberFrame(integer, FRACTION, digits + 1));
        }
        if (b == 'e' || b == 'E') {
          return self.replace(new NumberFrame(integer, E, 0));
        }
        return digit ? null : GrammarState.completeThenFeed(self.tail, b, events);
      case E:
        if (b == '+' || b == '-') {
          return self.replace(new NumberFrame(integer, E_SIGN, 0));
        }
        return digit ? self.replace(new NumberFrame(integer, EXPONENT, 1)) : null;
      case E_SIGN:
        return digit ? self.replace(new NumberFrame(integer, EXPONENT, 1)) : null;
      case EXPONENT:
        if (digit) {
          return digits < MAX_EXPONENT_DIGITS ? self.replace(new NumberFrame(integer, EXPONENT, digits + 1)) : null;
        }
        return GrammarState.completeThenFeed(self.tail, b, events);
      default:
        return null;
    }
  }

  private GrammarState firstDigit(GrammarState self, int b, boolean digit) {
    if (b == '0') {
      return self.replace(new NumberFrame(integer, ZERO, 1));
    }
    return digit ? self.replace(new NumberFrame(integer, INT, 1)) : null;
  }

  private GrammarState afterInteger(GrammarState self, int b, BoundaryListener events) {
    if (!integer && b == '.') {
      return self.replace(new NumberFrame(integer, POINT, 0));
    }
    if (!integer && (b == 'e' || b == 'E')) {
      return self.replace(new NumberFrame(integer, E, 0));
    }
    if (b >= '0' && b <= '9') {
      return null;
    }
    return GrammarState.completeThenFeed(self.tail, b, events);
  }
}
