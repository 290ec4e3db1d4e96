package io.vigil.llm.decode;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Seeded temperature and top-p sampling over the allowed tokens of a logits vector. The random draw
 * of step {@code s} depends only on (seed, s), so a generation replays exactly; temperature 0 takes
 * the highest logit (lowest id on ties). Tokens more than {@link #LOG_RANGE} below the best (in
 * units of temperature) carry under e^-30 of its weight each and are left out; the nucleus is found
 * with a histogram of log-weights, so a 200k vocabulary costs linear passes rather than a sort.
 */
public final class TokenSampler {
  private static final int BUCKETS = 1024;
  private static final double LOG_RANGE = 30.0;

  /** Reused per thread: a 200k-token step would otherwise allocate megabytes. */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private TokenSampler() {}

  public static int sample(float[] logits, BitSet allowed, SamplingOptions options, int step) {
    long[] words = allowed.toLongArray();
    int limit = logits.length;
    int first = -1;
    int best = -1;
    float max = Float.NEGATIVE_INFINITY;
    for (int w = 0; w < words.length; w++) {
      for (long word = words[w]; word != 0; word &= word - 1) {
        int id = (w << 6) + Long.numberOfTrailingZeros(word);
        if (id >= limit) {
          break;
        }
        if (first < 0) {
          first = id;
        }
        float l = logits[id];
        if (l > max) {
          max = l;
          best = id;
        }
      }
    }
    if (first < 0) {
      throw new IllegalArgumentException("no allowed token lies within the model's " + limit + " logits");
    }
    if (best < 0) {
      return first;
    }
    if (options.temperature() == 0) {
      return best;
    }
    double t = options.temperature();
    double cutoff = max - LOG_RANGE * t;
    Buffers buffers = BUFFERS.get().ensure(limit);
    int[] ids = buffers.ids;
    double[] weights = buffers.weights;
    int[] buckets = buffers.buckets;
    boolean nucleus = options.topP() < 1.0;
    double scale = BUCKETS / LOG_RANGE;
    int n = 0;
    double total = 0;
    for (int w = 0; w < words.length; w++) {
      for (long word = words[w]; word != 0; word &= word - 1) {
        int id = (w << 6) + Long.numberOfTrailingZeros(word);
        if (id >= limit) {
          break;
        }
        float l = logits[id];
        if (l > cutoff) {
          double below = (max - l) / t;
          double weight = expNegative(below);
          if (nucleus) {
            buckets[n] = (int) Math.min(BUCKETS - 1, below * scale);
          }
          ids[n] = id;
          weights[n] = weight;
          n++;
          total += weight;
        }
      }
    }
    if (nucleus) {
      total = nucleus(buffers, n, total * options.topP());
    }
    double target = uniform(options.seed(), step) * total;
    double cumulative = 0;
    int last = ids[0];
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0) {
        cumulative += weights[i];
        last = ids[i];
        if (cumulative > target) {
          return ids[i];
        }
      }
    }
    return last;
  }

  /** Zeroes the weights outside the smallest set of top tokens whose mass reaches {@code mass}; returns the mass kept. */
  private static double nucleus(Buffers buffers, int n, double mass) {
    double[] weights = buffers.weights;
    int[] bucket = buffers.buckets;
    double[] bucketMass = new double[BUCKETS];
    int[] bucketCount = new int[BUCKETS];
    for (int i = 0; i < n; i++) {
      int b = bucket[i];
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
    double cut = Double.POSITIVE_INFINITY;
    for (int j = members.length - 1; j >= 0; j--) {
      cut = members[j];
      kept += members[j];
      if (kept >= mass) {
        break;
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (bucket[i] < crossing || (bucket[i] == crossing && weights[i] >= cut)) {
        total += weights[i];
      } else {
        weights[i] = 0;
      }
    }
    return total;
  }

  /**
   * e^-x for x in [0, LOG_RANGE], to about 1e-7 relative: 2^-k times a polynomial for the fraction.
   * Plain arithmetic, so it is several times faster than Math.exp and gives the same bits everywhere.
   */
  static double expNegative(double x) {
    double y = -x * 1.4426950408889634;
    double k = Math.floor(y);
    double g = (y - k) * 0.6931471805599453;
    double p = 1 + g * (1 + g * (0.5 + g * (1.0 / 6 + g * (1.0 / 24 + g * (1.0 / 120 + g * (1.0 / 720 + g * (1.0 / 5040)))))));
    return Double.longBitsToDouble(((long) k + 1023) << 52) * p;
  }

  /** A uniform draw in [0, 1) that depends only on the seed and the step (SplitMix64 finalizer). */
  static double uniform(long seed, int step) {
    long z = seed * 0x9E3779B97F4A7C15L + (step + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  private static final class Buffers {
    int[] ids = new int[0];
    double[] weights = new double[0];
    int[] buckets = new int[0];

    Buffers ensure(int size) {
      if (ids.length < size) {
        ids = new int[size];
        weights = new double[size];
        buckets = new int[size];
      }
      return this;
    }
  }
}
