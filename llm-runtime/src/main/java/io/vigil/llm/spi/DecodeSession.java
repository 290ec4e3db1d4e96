package io.vigil.llm.spi;

/**
 * One sequence being decoded. Appending tokens extends the KV cache; rewinding truncates it, so that
 * the decoder can back out of a choice the policy rules out without recomputing the prompt.
 */
public interface DecodeSession extends AutoCloseable {
  /** Tokens held in the KV cache. */
  int length();

  /**
   * Appends tokens (at least one) and returns the logits for the position after the last of them,
   * an array of {@code vocabSize} scores owned by the caller.
   */
  float[] append(int... tokens);

  /**
   * Forgets every token from position {@code length} on. The logits after a rewind and re-append
   * must equal those of a session that never went further.
   */
  void rewind(int length);

  @Override
  void close();
}
