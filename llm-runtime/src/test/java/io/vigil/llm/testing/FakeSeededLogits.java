package io.vigil.llm.testing;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.LogitsBackend;
import java.util.Arrays;
import java.util.Map;

/**
 * A fake language model for the fake server: logits are a hash of (seed, position, previous token,
 * candidate token), so they are deterministic, differ at every position, and have no preference a
 * test could rely on by accident. Scores lie in [-4, 4], plus a fixed boost on chosen tokens (for
 * instance the tool-call tag, which a random model would almost never open on its own).
 */
public final class FakeSeededLogits implements LogitsBackend {
  private final int vocabSize;
  private final long seed;
  private final Map<Integer, Float> boosts;

  public FakeSeededLogits(int vocabSize, long seed) {
    this(vocabSize, seed, Map.of());
  }

  public FakeSeededLogits(int vocabSize, long seed, Map<Integer, Float> boosts) {
    this.vocabSize = vocabSize;
    this.seed = seed;
    this.boosts = Map.copyOf(boosts);
  }

  @Override
  public String name() {
    return "fake-seeded";
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public DecodeSession open() {
    return new DecodeSession() {
      private int[] tokens = new int[0];

      @Override
      public int length() {
        return tokens.length;
      }

      @Override
      public float[] append(int... appended) {
        int[] longer = Arrays.copyOf(tokens, tokens.length + appended.length);
        System.arraycopy(appended, 0, longer, tokens.length, appended.length);
        tokens = longer;
        long context = mix(seed ^ mix(tokens.length) ^ mix(31L * tokens[tokens.length - 1] + 7));
        float[] logits = new float[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
          logits[id] = (float) ((mix(context + id) >>> 11) * 0x1.0p-53 * 8.0 - 4.0);
        }
        boosts.forEach((id, boost) -> logits[id] += boost);
        return logits;
      }

      @Override
      public void rewind(int length) {
        tokens = Arrays.copyOf(tokens, length);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void close() {}

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
