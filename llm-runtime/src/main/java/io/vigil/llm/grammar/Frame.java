package io.vigil.llm.grammar;

/**
 * One level of the tool-call automaton's stack: what is being matched at that level. Frames are
 * immutable values (records) so that whole stacks compare equal when they accept the same future,
 * which is what lets masks be cached per state.
 */
interface Frame {
  /** Consumes byte {@code b} with this frame on top of {@code self}; null when the byte is rejected. */
  GrammarState consume(GrammarState self, int b, BoundaryListener events);

  /**
   * The value matched by the frame above this one is complete; {@code self} has this frame on top.
   * {@code beforeByte}: the value ended just before the byte being consumed (numbers end that way).
   */
  default GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
    throw new IllegalStateException(getClass().getSimpleName() + " holds no value");
  }
}
