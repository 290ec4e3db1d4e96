package io.vigil.llm.remote;

/**
 * Limits of grammar mode: how many call requests one turn may make before it answers in text, how
 * many denials of one tool drop it from the constraint, the token budget of one call, and the form
 * the constraint is sent in.
 */
public record GrammarModeOptions(int attempts, int deniedPerTool, int maxCallTokens, Syntax syntax) {
  /** How the call constraint travels (both rendered by {@code io.vigil.llm.grammar.export.GrammarExport}). */
  public enum Syntax {
    /**
     * A JSON Schema of the call: vLLM {@code structured_outputs.json}, llama.cpp {@code json_schema},
     * SGLang {@code json_schema}. The server picks the layout (whitespace, key order within the schema).
     */
    JSON_SCHEMA,
    /**
     * A GBNF grammar of the canonical call layout: llama.cpp {@code grammar}, vLLM
     * {@code structured_outputs.grammar} and SGLang {@code ebnf} (their XGrammar backend reads GBNF).
     */
    GBNF
  }

  public GrammarModeOptions {
    if (attempts < 1 || deniedPerTool < 1 || maxCallTokens < 1) {
      throw new IllegalArgumentException("grammar mode limits must be positive: attempts " + attempts
          + ", denied per tool " + deniedPerTool + ", max call tokens " + maxCallTokens);
    }
    if (syntax == null) {
      throw new IllegalArgumentException("grammar mode needs a constraint syntax");
    }
  }

  public GrammarModeOptions(int attempts, int deniedPerTool, int maxCallTokens) {
    this(attempts, deniedPerTool, maxCallTokens, Syntax.JSON_SCHEMA);
  }

  public static GrammarModeOptions defaults() {
    return new GrammarModeOptions(4, 2, 512, Syntax.JSON_SCHEMA);
  }

  public GrammarModeOptions withSyntax(Syntax syntax) {
    return new GrammarModeOptions(attempts, deniedPerTool, maxCallTokens, syntax);
  }
}
