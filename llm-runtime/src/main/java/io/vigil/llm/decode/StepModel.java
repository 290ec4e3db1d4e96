package io.vigil.llm.decode;

import java.util.BitSet;

/**
 * The model as the decoder drives it, one token at a time: locally, logits masked and sampled here
 * (see {@code LogitsStepModel}); remotely, a server that takes the allowed token ids and samples
 * itself. Positions count from the start of the prompt.
 */
public interface StepModel extends AutoCloseable {
  /** Tokens consumed so far (prompt and generated). */
  int length();

  /** Consumes tokens chosen by the decoder (the prompt, or forced tokens). */
  void append(int... tokens);

  /** Forgets every token from position {@code length} on (at least 1: the prompt is never empty). */
  void rewind(int length);

  /**
   * Chooses the next token among {@code allowed} (never empty) and consumes it. {@code step} numbers
   * the sampling steps of this generation, so a seeded sampler draws the same at the same step.
   */
  int next(BitSet allowed, SamplingOptions sampling, int step);

  @Override
  void close();
}
