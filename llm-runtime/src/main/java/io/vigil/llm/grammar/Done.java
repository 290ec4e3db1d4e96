package io.vigil.llm.grammar;

/** The call's JSON is complete; nothing more may follow inside the call. */
record Done(int tool) implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    return null;
  }
}
