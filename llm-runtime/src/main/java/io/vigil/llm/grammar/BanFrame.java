package io.vigil.llm.grammar;

/**
 * A value that must not come out as one of the texts in {@code bans} (values the policy ruled out
 * after a backtrack), wrapped around the value's own automaton {@code inner}. While the bytes so far
 * are a prefix of some banned texts (the range {@code [lo, hi)} at {@code depth}) the wrapper
 * watches; once they are not, it steps aside and the plain value states (and their cached masks)
 * take over.
 */
record BanFrame(LiteralSet bans, int depth, int lo, int hi, GrammarState inner) implements Frame {
  static GrammarState wrap(Frame value, LiteralSet bans, GrammarState rest) {
    return GrammarState.push(new BanFrame(bans, 0, 0, bans.size(), GrammarState.push(value, InnerEnd.STACK)), rest);
  }

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    GrammarState next = inner.feed(b, null);
    if (next == null) {
      return null;
    }
    if (next == InnerEnd.OVERFLOW) {
      // The value ended before this byte.
      if (exactBan()) {
        return null;
      }
      return GrammarState.completeThenFeed(self.tail, b, events);
    }
    long range = bans.narrow(lo, hi, depth, b);
    int a = (int) (range >>> 32);
    int c = (int) range;
    if (next == InnerEnd.FINISHED) {
      if (a < c && bans.item(a).length == depth + 1) {
        return null;
      }
      return GrammarState.complete(self.tail, events, false);
    }
    if (a == c) {
      return splice(next, self.tail);
    }
    return self.replace(new BanFrame(bans, depth + 1, a, c, next));
  }

  private boolean exactBan() {
    return lo < hi && bans.item(lo).length == depth;
  }

  /** The inner stack with its end marker replaced by {@code rest}. */
  private static GrammarState splice(GrammarState inner, GrammarState rest) {
    if (inner == InnerEnd.STACK) {
      return rest;
    }
    return GrammarState.push(inner.head, splice(inner.tail, rest));
  }

  /** The bottom of a wrapped value's own stack: marks that the value finished, and whether before a byte. */
  record InnerEnd(int kind) implements Frame {
    static final GrammarState STACK = GrammarState.push(new InnerEnd(0), null);
    static final GrammarState FINISHED = GrammarState.push(new InnerEnd(1), null);
    static final GrammarState OVERFLOW = GrammarState.push(new InnerEnd(2), null);

    @Override
    public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
      return kind == 1 ? OVERFLOW : null;
    }

    @Override
    public GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
      return FINISHED;
    }
  }
}
