package io.vigil.llm.grammar;

/**
 * A point where the decoder must decide before bytes may go on: the tool name ({@code param} -1), or
 * the value of parameter {@code param} of {@code tool}.
 */
public record Slot(int tool, int param) {
  public boolean toolName() {
    return param < 0;
  }
}
