package io.vigil.llm.decode;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Seeded temperature and top-p sampling over the allowed tokens of a logits vector. The random draw
 * of step {@code s} depends only on (seed, s), so a generation replays exactly; temperature 0 takes
 * the highest logit (lowest id on ties). The nucleus is found with a histogram of log-weights, so a
 * 200k vocabulary costs two linear passes rather than a sort.
 */
public final class TokenSampler {
  private static final int BUCKETS = 2048;
  /** Weights below e^-LOG_RANGE of the best go to the last bucket. */
  private static final double LOG_RANGE = 50.0;

  private TokenSampler() {}

  public static int sample(float[] logits, BitSet allowed, SamplingOptions options, int step) {
    int n = 0;
    int[] ids = new int[Math.min(allowed.cardinality(), logits.length)];
    double max = Double.NEGATIVE_INFINITY;
    for (int id = allowed.nextSetBit(0); id >= 0 && id < logits.length; id = allowed.nextSetBit(id + 1)) {
      ids[n++] = id;
      float l = logits[id];
      if (l > max) {
        max = l;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no allowed token lies within the model's " + logits.length + " logits");
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      return ids[0];
    }
    if (options.temperature() == 0) {
      for (int i = 0; i < n; i++) {
        if (logits[ids[i]] == max) {
          return ids[i];
        }
      }
    }
    double t = options.temperature();
    double[] weights = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      float l = logits[ids[i]];
      double w = l > Float.NEGATIVE_INFINITY ? Math.exp((l - max) / t) : 0.0;
      weights[i] = w;
      total += w;
    }
    if (options.topP() < 1.0) {
      total = nucleus(logits, ids, weights, n, max, t, total * options.topP());
    }
    double target = uniform(options.seed(), step) * total;
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0) {
        cumulative += weights[i];
        last = i;
        if (cumulative > target) {
          return ids[i];
        }
      }
    }
    return ids[last];
  }

  /** Zeroes the weights outside the smallest set of top tokens whose mass reaches {@code mass}; returns the mass kept. */
  private static double nucleus(float[] logits, int[] ids, double[] weights, int n, double max, double t, double mass) {
    double[] bucketMass = new double[BUCKETS];
    int[] bucketCount = new int[BUCKETS];
    int[] bucket = new int[n];
    for (int i = 0; i < n; i++) {
      if (weights[i] == 0) {
        bucket[i] = -1;
        continue;
      }
      double x = (max - logits[ids[i]]) / t;
      int b = (int) Math.min(BUCKETS - 1, x * (BUCKETS / LOG_RANGE));
      bucket[i] = b;
      bucketMass[b] += weights[i];
      bucketCount[b]++;
    }
    double kept = 0;
    int crossing = 0;
    while (crossing < BUCKETS - 1 && kept + bucketMass[crossing] < mass) {
      kept += bucketMass[crossing];
      crossing++;
    }
    // Within the bucket where the mass is reached, keep its heaviest members until it is.
    double[] members = new double[bucketCount[crossing]];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (bucket[i] == crossing) {
        members[m++] = weights[i];
      }
    }
    Arrays.sort(members);
    double cut = members.length == 0 ? 0 : members[members.length - 1];
    for (int j = members.length - 1; j >= 0; j--) {
      cut = members[j];
      kept += members[j];
      if (kept >= mass) {
        break;
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      boolean keep = bucket[i] >= 0 && (bucket[i] < crossing || (bucket[i] == crossing && weights[i] >= cut));
      if (keep) {
        total += weights[i];
      } else {
        weights[i] = 0;
      }
    }
    return total;
  }

  /** A uniform draw in [0, 1) that depends only on the seed and the step (SplitMix64 finalizer). */
  static double uniform(long seed, int step) {
    long z = seed * 0x9E3779B97F4A7C15L + (step + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }
}
