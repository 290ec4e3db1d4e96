package io.vigil.llm.grammar;

/**
 * A choice among literal texts (enum members, booleans, the values the policy allows, tool names):
 * the candidates still matching are the range {@code [lo, hi)} of the sorted set, all sharing their
 * first {@code depth} bytes. When one candidate is complete and others go on (numbers such as 1 and
 * 12), the next byte decides.
 */
record ChoiceFrame(LiteralSet set, int depth, int lo, int hi, boolean toolName) implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    // Sorted order puts a candidate that is complete at this depth first in the range.
    boolean completeHere = set.item(lo).length == depth;
    int from = completeHere ? lo + 1 : lo;
    long range = set.narrow(from, hi, depth, b);
    int a = (int) (range >>> 32);
    int c = (int) range;
    if (a < c) {
      if (c - a == 1 && set.item(a).length == depth + 1) {
        return finish(self.tail, a, events, false);
      }
      return self.replace(new ChoiceFrame(set, depth + 1, a, c, toolName));
    }
    if (completeHere) {
      GrammarState after = finish(self.tail, lo, events, true);
      return after == null ? null : after.feed(b, events);
    }
    return null;
  }

  private GrammarState finish(GrammarState rest, int chosen, BoundaryListener events, boolean beforeByte) {
    if (toolName) {
      return ((CallFrame) rest.head).toolChosen(rest, set.item(chosen), events);
    }
    return GrammarState.complete(rest, events, beforeByte);
  }
}
