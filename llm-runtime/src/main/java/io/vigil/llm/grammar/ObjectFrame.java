package io.vigil.llm.grammar;

/**
 * An object with declared properties, written in declared order in the canonical layout
 * {@code {"a": 1, "b": 2}}; optional properties may be left out. While a key is being matched,
 * {@code alive} has bit i set for property {@code from + i} if it still fits the bytes so far. The
 * value of a tool's argument is not started here but left at an {@link ArgumentSlot} for the decoder.
 */
record ObjectFrame(SchemaNode.Obj node, int phase, int from, int pos, long alive) implements Frame {
  static final int START = 0;
  /** After {@code {} or after {@code , }: a key's opening quote (or, right after the brace, the closing brace). */
  static final int KEY_START = 1;
  static final int KEY = 2;
  /** A property's value is being matched above this frame; {@code from} is its index. */
  static final int VALUE = 3;
  /** After the value of property {@code from}. */
  static final int AFTER_VALUE = 4;
  static final int COMMA = 5;

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    switch (phase) {
      case START:
        return b == '{' ? self.replace(new ObjectFrame(node, KEY_START, 0, 0, 0L)) : null;
      case KEY_START:
        if (b == '}' && from == 0 && node.optionalFrom(0)) {
          return GrammarState.complete(self.tail, events, false);
        }
        if (from < node.names.length) {
          return matchKey(self, node.candidatesFrom(from), 0, b, events);
        }
        return null;
      case KEY:
        return matchKey(self, alive, pos, b, events);
      case AFTER_VALUE:
        if (b == ',' && from + 1 < node.names.length) {
          return self.replace(new ObjectFrame(node, COMMA, from, 0, 0L));
        }
        if (b == '}' && node.optionalFrom(from + 1)) {
          return GrammarState.complete(self.tail, events, false);
        }
        return null;
      case COMMA:
        return b == ' ' ? self.replace(new ObjectFrame(node, KEY_START, from + 1, 0, 0L)) : null;
      default:
        return null;
    }
  }

  private GrammarState matchKey(GrammarState self, long candidates, int at, int b, BoundaryListener events) {
    long next = 0;
    int finished = -1;
    for (long rest = candidates; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      byte[] key = node.keys[from + i];
      if (at < key.length && (key[at] & 0xFF) == b) {
        next |= 1L << i;
        if (at + 1 == key.length) {
          finished = from + i;
        }
      }
    }
    if (next == 0) {
      return null;
    }
    if (finished >= 0) {
      // Keys end with '": ' and cannot contain a raw quote, so a finished key is the only candidate left.
      GrammarState waiting = self.replace(new ObjectFrame(node, VALUE, finished, 0, 0L));
      if (node.arguments()) {
        return GrammarState.push(new ArgumentSlot(node, finished), waiting);
      }
      return GrammarState.push(node.values[finished].start(), waiting);
    }
    return self.replace(new ObjectFrame(node, KEY, from, at + 1, next));
  }

  @Override
  public GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
    if (events != null && node.arguments()) {
      events.argumentComplete(node.tool, from, beforeByte);
    }
    return self.replace(new ObjectFrame(node, AFTER_VALUE, from, 0, 0L));
  }
}
