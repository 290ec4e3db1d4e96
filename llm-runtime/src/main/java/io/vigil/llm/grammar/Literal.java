package io.vigil.llm.grammar;

import java.nio.charset.StandardCharsets;

/** A fixed byte string of the grammar (punctuation, keywords); compared by identity, made once per grammar. */
final class Literal {
  static final Literal TRUE = new Literal("true");
  static final Literal FALSE = new Literal("false");
  static final Literal NULL = new Literal("null");

  final byte[] bytes;
  private final String text;

  Literal(String text) {
    this.text = text;
    this.bytes = text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text;
  }
}
