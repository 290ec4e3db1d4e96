package io.vigil.llm.decode;

/**
 * How hard the decoder tries: {@code backtrackBudget} rewinds per turn before it gives up on tool
 * calls and lets the model answer in text; at most {@code maxToolCalls} calls per turn (a second call
 * in a turn is decided against the same history as the first, so the default is one).
 */
public record DecoderOptions(int backtrackBudget, int maxToolCalls) {
  public DecoderOptions {
    if (backtrackBudget < 0) {
      throw new IllegalArgumentException("backtrack budget must be >= 0, got " + backtrackBudget);
    }
    if (maxToolCalls < 0) {
      throw new IllegalArgumentException("max tool calls must be >= 0, got " + maxToolCalls);
    }
  }

  public static DecoderOptions defaults() {
    return new DecoderOptions(16, 1);
  }
}
