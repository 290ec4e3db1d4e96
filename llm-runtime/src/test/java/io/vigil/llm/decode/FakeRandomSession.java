package io.vigil.llm.decode;

import io.vigil.llm.spi.DecodeSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fake model whose logits are pseudo-random, a pure function of the seed and the tokens in the
 * cache (so rewinds behave like a real KV cache), plus fixed boosts for chosen tokens.
 */
final class FakeRandomSession implements DecodeSession {
  private final int vocabSize;
  private final long seed;
  private final Map<Integer, Float> boosts;
  private final List<Integer> tokens = new ArrayList<>();
  private final List<Long> prefixHashes = new ArrayList<>();

  FakeRandomSession(int vocabSize, long seed, Map<Integer, Float> boosts) {
    this.vocabSize = vocabSize;
    this.seed = seed;
    this.boosts = boosts;
  }

  @Override
  public int length() {
    return tokens.size();
  }

  @Override
  public float[] append(int... ids) {
    for (int id : ids) {
      long previous = prefixHashes.isEmpty() ? seed : prefixHashes.get(prefixHashes.size() - 1);
      tokens.add(id);
      prefixHashes.add(previous * 0x100000001B3L + id + 1);
    }
    SplittableRandom random = new SplittableRandom(prefixHashes.get(prefixHashes.size() - 1));
    float[] logits = new float[vocabSize];
    for (int i = 0; i < vocabSize; i++) {
      logits[i] = (float) (random.nextDouble() * 4 - 2);
    }
    boosts.forEach((id, boost) -> logits[id] += boost);
    return logits;
  }

  @Override
  public void rewind(int length) {
    while (tokens.size() > length) {
      tokens.remove(tokens.size() - 1);
      prefixHashes.remove(prefixHashes.size() - 1);
    }
  }

  @Override
  public void close() {}
}
