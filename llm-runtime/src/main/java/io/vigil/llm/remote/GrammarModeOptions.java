package io.vigil.llm.remote;

/**
 * Limits of grammar mode: how many call requests one turn may make before it answers in text, how
 * many denials of one tool drop it from the constraint, and the token budget of one call.
 */
public record GrammarModeOptions(int attempts, int deniedPerTool, int maxCallTokens) {
  public GrammarModeOptions {
    if (attempts < 1 || deniedPerTool < 1 || maxCallTokens < 1) {
      throw new IllegalArgumentException("grammar mode limits must be positive: attempts " + attempts
          + ", denied per tool " + deniedPerTool + ", max call tokens " + maxCallTokens);
    }
  }

  public static GrammarModeOptions defaults() {
    return new GrammarModeOptions(4, 2, 512);
  }
}
