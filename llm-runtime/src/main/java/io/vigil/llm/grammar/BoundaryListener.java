package io.vigil.llm.grammar;

/**
 * Semantic boundaries the decoder acts on while it feeds emitted bytes: the tool name is complete,
 * or the value of a top-level argument is complete. Mask computation passes none.
 */
public interface BoundaryListener {
  void toolNameComplete(int tool);

  /**
   * The value of parameter {@code param} of {@code tool} is complete. {@code endsBeforeByte}: the
   * value ended just before the byte being fed (a number ends when its delimiter arrives), else
   * with it.
   */
  void argumentComplete(int tool, int param, boolean endsBeforeByte);
}
