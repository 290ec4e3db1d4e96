package io.vigil.llm.reference;

/**
 * A linear layer {@code y = W x + b}. The weight is stored input-major ({@code [in][out]}, the
 * transpose of the Hugging Face layout) so that the inner loop is a contiguous multiply-add over
 * outputs, which the JIT vectorizes; every output sums its inputs in index order, however the
 * outputs are split among threads.
 */
record Linear(float[] weightInOut, float[] bias, int in, int out) {
  /** About 256 KiB of weights per task: one block stays in cache while all tokens pass through it. */
  private static final int BLOCK_WEIGHTS = 1 << 16;
  private static final long PARALLEL_THRESHOLD = 1L << 15;

  Linear {
    if (weightInOut.length != (long) in * out || (bias != null && bias.length != out)) {
      throw new IllegalArgumentException("linear layer sizes disagree");
    }
  }

  /** From a Hugging Face {@code [out][in]} weight. */
  static Linear fromOutIn(float[] weightOutIn, float[] bias, int in, int out) {
    float[] transposed = new float[weightOutIn.length];
    int tile = 64;
    for (int o0 = 0; o0 < out; o0 += tile) {
      for (int i0 = 0; i0 < in; i0 += tile) {
        int o1 = Math.min(out, o0 + tile);
        int i1 = Math.min(in, i0 + tile);
        for (int o = o0; o < o1; o++) {
          for (int i = i0; i < i1; i++) {
            transposed[i * out + o] = weightOutIn[o * in + i];
          }
        }
      }
    }
    return new Linear(transposed, bias, in, out);
  }

  /** {@code y[t] = W x[t] + b} for {@code tokens} rows of {@code x} ({@code [tokens][in]}). */
  void apply(float[] x, int tokens, float[] y, ParallelLoop loop) {
    int block = Math.max(64, (BLOCK_WEIGHTS / in) & ~63);
    int blocks = (out + block - 1) / block;
    if ((long) in * out * tokens < PARALLEL_THRESHOLD) {
      for (int b = 0; b < blocks; b++) {
        applyBlock(x, tokens, y, b * block, Math.min(out, (b + 1) * block));
      }
      return;
    }
    loop.forEach(blocks, b -> applyBlock(x, tokens, y, b * block, Math.min(out, (b + 1) * block)));
  }

  private void applyBlock(float[] x, int tokens, float[] y, int from, int to) {
    float[] w = weightInOut;
    for (int t = 0; t < tokens; t++) {
      int yOffset = t * out;
      int xOffset = t * in;
      for (int o = from; o < to; o++) {
        y[yOffset + o] = 0f;
      }
      for (int i = 0; i < in; i++) {
        float xi = x[xOffset + i];
        int wOffset = i * out;
        for (int o = from; o < to; o++) {
          y[yOffset + o] += xi * w[wOffset + o];
        }
      }
      if (bias != null) {
        for (int o = from; o < to; o++) {
          y[yOffset + o] += bias[o];
        }
      }
    }
  }
}
