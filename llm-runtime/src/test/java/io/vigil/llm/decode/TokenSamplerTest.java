package io.vigil.llm.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
  private static float[] logits(int n, long seed) {
    Random random = new Random(seed);
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (random.nextGaussian() * 2);
    }
    return logits;
  }

  private static BitSet all(int n) {
    BitSet b = new BitSet();
    b.set(0, n);
    return b;
  }

  @Test
  void greedyTakesTheBestAllowedTokenAndTheLowestIdOnTies() {
    float[] logits = {1, 5, 5, 9, 2};
    BitSet allowed = new BitSet();
    allowed.set(0, 3);
    SamplingOptions greedy = new SamplingOptions(0, 1, 1, 10);
    assertEquals(1, TokenSampler.sample(logits, allowed, greedy, 0));
    allowed.set(3);
    assertEquals(3, TokenSampler.sample(logits, allowed, greedy, 0));
  }

  @Test
  void neverSamplesOutsideTheMaskAndFailsWhenTheMaskIsOutsideTheLogits() {
    float[] logits = logits(1000, 3);
    BitSet allowed = new BitSet();
    allowed.set(17);
    allowed.set(400);
    allowed.set(999);
    for (int step = 0; step < 500; step++) {
      int id = TokenSampler.sample(logits, allowed, new SamplingOptions(1.5, 0.9, 11, 10), step);
      assertTrue(allowed.get(id), "sampled " + id);
    }
    BitSet beyond = new BitSet();
    beyond.set(1000);
    assertThrows(IllegalArgumentException.class,
        () -> TokenSampler.sample(logits, beyond, new SamplingOptions(1, 1, 1, 10), 0));
  }

  @Test
  void sameSeedAndStepGiveTheSameTokenOthersSpread() {
    float[] logits = logits(5000, 9);
    SamplingOptions options = new SamplingOptions(1.0, 0.95, 42, 10);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int step = 0; step < 200; step++) {
      int a = TokenSampler.sample(logits, all(5000), options, step);
      assertEquals(a, TokenSampler.sample(logits, all(5000), options, step));
      seen.add(a);
    }
    assertTrue(seen.size() > 100, "only " + seen.size() + " distinct tokens in 200 draws of a flat distribution");
  }

  @Test
  void frequenciesFollowTheSoftmaxAndTopPCutsTheTail() {
    // Weights e^0, e^-1, e^-2, e^-6 at temperature 1: shares 0.6626, 0.2437, 0.0897, 0.0016 (with the last).
    float[] logits = {0, -1, -2, -6};
    int[] counts = new int[4];
    int draws = 40_000;
    for (int step = 0; step < draws; step++) {
      counts[TokenSampler.sample(logits, all(4), new SamplingOptions(1, 1, 5, 10), step)]++;
    }
    assertEquals(0.6626, counts[0] / (double) draws, 0.01);
    assertEquals(0.2437, counts[1] / (double) draws, 0.01);
    assertEquals(0.0897, counts[2] / (double) draws, 0.01);
    int[] nucleus = new int[4];
    for (int step = 0; step < draws; step++) {
      nucleus[TokenSampler.sample(logits, all(4), new SamplingOptions(1, 0.8, 5, 10), step)]++;
    }
    // The top two hold 0.906 >= 0.8, the top one 0.663 < 0.8: exactly the top two remain.
    assertEquals(0, nucleus[2] + nucleus[3]);
    assertEquals(0.6626 / 0.9063, nucleus[0] / (double) draws, 0.01);
  }

  @Test
  void fastExponentialIsAccurate() {
    for (double x = 0; x <= 30; x += 0.0137) {
      assertEquals(Math.exp(-x), TokenSampler.expNegative(x), Math.exp(-x) * 1e-6, "x = " + x);
    }
  }
}
