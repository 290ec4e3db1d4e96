package io.vigil.llm.grammar;

/**
 * Where the value of a tool's argument begins: the decoder asks the policy which values it allows
 * here and replaces this frame with the matching value frame. Nothing passes a slot unresolved, so a
 * token never runs from a key into a value the policy has not been asked about.
 */
record ArgumentSlot(SchemaNode.Obj arguments, int param) implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    return null;
  }
}
