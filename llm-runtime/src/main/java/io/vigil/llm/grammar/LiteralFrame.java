package io.vigil.llm.grammar;

/** The grammar's fixed text at position {@code pos} (punctuation between parts, {@code true}, {@code null}). */
record LiteralFrame(Literal literal, int pos) implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    if ((literal.bytes[pos] & 0xFF) != b) {
      return null;
    }
    if (pos + 1 == literal.bytes.length) {
      return GrammarState.complete(self.tail, events, false);
    }
    return self.replace(new LiteralFrame(literal, pos + 1));
  }
}
