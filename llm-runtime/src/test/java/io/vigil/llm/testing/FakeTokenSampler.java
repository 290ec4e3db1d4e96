package io.vigil.llm.testing;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How the fake server turns logits into one token, in the order the real servers apply the request's
 * fields: the hard mask ({@code allowed_token_ids}), then additive biases (minus infinity for
 * llama.cpp's {@code false}), then greedy at temperature 0, else softmax at the temperature,
 * nucleus truncation at {@code top_p}, and a draw from a generator seeded by the request's seed.
 */
final class FakeTokenSampler {
  record Sample(int id, double logprob) {}

  private FakeTokenSampler() {}

  /** {@code allowed} null: every id; {@code bias}: id to additive bias. Empty result: nothing is left. */
  static Sample sample(float[] logits, BitSet allowed, Map<Integer, Double> bias, double temperature, double topP,
      long seed) {
    double[] scores = new double[logits.length];
    for (int id = 0; id < logits.length; id++) {
      scores[id] = allowed == null || allowed.get(id) ? logits[id] : Double.NEGATIVE_INFINITY;
    }
    for (Map.Entry<Integer, Double> entry : bias.entrySet()) {
      scores[entry.getKey()] += entry.getValue();
    }
    double max = Double.NEGATIVE_INFINITY;
    int best = -1;
    for (int id = 0; id < scores.length; id++) {
      if (scores[id] > max) {
        max = scores[id];
        best = id;
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException("the request's mask and biases leave no token to sample");
    }
    double t = temperature == 0 ? 1.0 : temperature;
    double[] weights = new double[scores.length];
    double total = 0;
    for (int id = 0; id < scores.length; id++) {
      weights[id] = scores[id] == Double.NEGATIVE_INFINITY ? 0 : Math.exp((scores[id] - max) / t);
      total += weights[id];
    }
    if (temperature == 0) {
      return new Sample(best, Math.log(weights[best] / total));
    }
    double kept = total;
    if (topP < 1) {
      kept = nucleus(weights, total * topP);
    }
    double draw = new SplittableRandom(seed).nextDouble() * kept;
    int last = best;
    for (int id = 0; id < weights.length; id++) {
      if (weights[id] > 0) {
        last = id;
        draw -= weights[id];
        if (draw < 0) {
          return new Sample(id, Math.log(weights[id] / total));
        }
      }
    }
    return new Sample(last, Math.log(weights[last] / total));
  }

  /**
   * Zeroes the weights outside the smallest most-likely set whose weight reaches {@code mass}; returns
   * the kept weight. Weights are bucketed by the high bits of their float form (which order like the
   * numbers), so only the bucket where the mass is reached needs sorting: linear, not a sort of the
   * vocabulary per token.
   */
  private static double nucleus(double[] weights, double mass) {
    double[] bucketMass = new double[1 << 15];
    for (double w : weights) {
      if (w > 0) {
        bucketMass[bucket(w)] += w;
      }
    }
    double kept = 0;
    int boundary = bucketMass.length - 1;
    while (boundary > 0 && kept + bucketMass[boundary] < mass) {
      kept += bucketMass[boundary];
      boundary--;
    }
    int inBoundary = 0;
    long[] order = new long[weights.length];
    for (int id = 0; id < weights.length; id++) {
      if (weights[id] > 0 && bucket(weights[id]) == boundary) {
        // float bits of a positive number sort like the number; the id rides in the low half
        order[inBoundary++] = ((long) Float.floatToIntBits((float) weights[id]) << 32) | id;
      }
    }
    Arrays.sort(order, 0, inBoundary);
    int cut = 0;
    for (int i = inBoundary - 1; i >= 0; i--) {
      kept += weights[(int) order[i]];
      if (kept >= mass) {
        cut = i;
        break;
      }
    }
    for (int i = 0; i < cut; i++) {
      weights[(int) order[i]] = 0;
    }
    for (int id = 0; id < weights.length; id++) {
      if (weights[id] > 0 && bucket(weights[id]) < boundary) {
        weights[id] = 0;
      }
    }
    return kept;
  }

  private static int bucket(double weight) {
    return Float.floatToIntBits((float) weight) >>> 16;
  }
}
