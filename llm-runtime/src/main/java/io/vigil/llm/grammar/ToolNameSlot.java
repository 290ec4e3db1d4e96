package io.vigil.llm.grammar;

/** Where the tool name begins: the decoder replaces it with a choice among the names still allowed. */
record ToolNameSlot() implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    return null;
  }
}
