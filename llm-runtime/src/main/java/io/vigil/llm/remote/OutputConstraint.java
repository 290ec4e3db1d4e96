package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a multi-token request constrains its output to, in the server's own structured-output fields. */
public sealed interface OutputConstraint {
  /** A JSON Schema the output must match (vLLM {@code structured_outputs.json}, llama.cpp {@code json_schema}, SGLang {@code json_schema}). */
  record JsonSchema(ObjectNode schema) implements OutputConstraint {}

  /**
   * A grammar in GBNF (llama.cpp {@code grammar}); vLLM's {@code structured_outputs.grammar} and
   * SGLang's {@code ebnf} take the same notation through XGrammar.
   */
  record Grammar(String text) implements OutputConstraint {}

  /** Free text (banned tokens aside). */
  record Free() implements OutputConstraint {}
}
