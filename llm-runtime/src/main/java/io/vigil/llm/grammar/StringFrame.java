package io.vigil.llm.grammar;

/**
 * Inside a JSON string: which escape or UTF-8 substate, nothing about the characters so far. The
 * plain substate returns the very same stack for ordinary characters, so walking a long string
 * allocates nothing.
 */
record StringFrame(int sub) implements Frame {
  // 0..7 are Utf8's substates; the rest are JSON's own.
  static final int ESCAPE = 8;
  static final int HEX0 = 9;
  static final int HEX3 = 12;
  static final int BEFORE_QUOTE = 13;

  private static final StringFrame[] BY_SUB = new StringFrame[BEFORE_QUOTE + 1];

  static {
    for (int i = 0; i < BY_SUB.length; i++) {
      BY_SUB[i] = new StringFrame(i);
    }
  }

  static final StringFrame OPEN = BY_SUB[BEFORE_QUOTE];
  static final StringFrame CONTENT = BY_SUB[Utf8.BOUNDARY];

  static StringFrame of(int sub) {
    return BY_SUB[sub];
  }

  /** Between characters of the string's content, where every ordinary character keeps the state. */
  boolean plain() {
    return sub == Utf8.BOUNDARY;
  }

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    if (sub == Utf8.BOUNDARY) {
      if (b == '"') {
        return GrammarState.complete(self.tail, events, false);
      }
      if (b == '\\') {
        return self.replace(of(ESCAPE));
      }
      if (b < 0x20) {
        return null;
      }
      if (b < 0x80) {
        return self;
      }
      int next = Utf8.step(sub, b);
      return next < 0 ? null : self.replace(of(next));
    }
    if (sub < ESCAPE) {
      int next = Utf8.step(sub, b);
      return next < 0 ? null : self.replace(of(next));
    }
    if (sub == ESCAPE) {
      switch (b) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          return self.replace(CONTENT);
        case 'u':
          return self.replace(of(HEX0));
        default:
          return null;
      }
    }
    if (sub >= HEX0 && sub <= HEX3) {
      if (!hex(b)) {
        return null;
      }
      return self.replace(sub == HEX3 ? CONTENT : of(sub + 1));
    }
    // BEFORE_QUOTE
    return b == '"' ? self.replace(CONTENT) : null;
  }

  private static boolean hex(int b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }
}
