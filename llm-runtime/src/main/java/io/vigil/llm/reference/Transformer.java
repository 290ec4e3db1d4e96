package io.vigil.llm.reference;

/**
 * The decoder-only forward pass (Llama / Qwen2): embedding, layers of RMSNorm, rotary grouped-query
 * attention and SwiGLU MLP with residuals, final RMSNorm, logits for the last position. Tokens of
 * one call go through each layer together, but every value is computed exactly as it would be for
 * a single token, so feeding a prefix at once or token by token gives bit-identical results.
 */
final class Transformer {
  /** Attention work (positions x head dims) below which one thread does all heads. */
  private static final long PARALLEL_ATTENTION = 1L << 14;

  private final ModelConfig config;
  private final TransformerWeights weights;
  private final RotaryEmbedding rotary;
  private final ParallelLoop loop;

  Transformer(ModelConfig config, TransformerWeights weights, ParallelLoop loop) {
    this.config = config;
    this.weights = weights;
    this.rotary = new RotaryEmbedding(config);
    this.loop = loop;
  }

  ModelConfig config() {
    return config;
  }

  KvCache[] newCaches() {
    KvCache[] caches = new KvCache[config.layers()];
    for (int i = 0; i < caches.length; i++) {
      caches[i] = new KvCache(config.kvDim());
    }
    return caches;
  }

  /** Runs {@code tokens} after what the caches hold, extends them, and returns the last position's logits. */
  float[] forward(KvCache[] caches, int[] tokens) {
    int n = tokens.length;
    int hidden = config.hiddenSize();
    int start = caches[0].length();
    float[] x = new float[n * hidden];
    for (int t = 0; t < n; t++) {
      weights.embed(tokens[t], hidden, x, t * hidden);
    }
    Scratch scratch = new Scratch(config, n);
    for (int layer = 0; layer < config.layers(); layer++) {
      layer(weights.layers().get(layer), caches[layer], start, n, x, scratch);
    }
    float[] last = new float[hidden];
    rmsNorm(x, (n - 1) * hidden, weights.finalNorm(), last, 0, hidden);
    float[] logits = new float[config.vocabSize()];
    weights.lmHead().apply(last, 1, logits, loop);
    return logits;
  }

  private void layer(LayerWeights w, KvCache cache, int start, int n, float[] x, Scratch s) {
    int hidden = config.hiddenSize();
    for (int t = 0; t < n; t++) {
      rmsNorm(x, t * hidden, w.inputNorm(), s.normed, t * hidden, hidden);
    }
    w.query().apply(s.normed, n, s.query, loop);
    w.key().apply(s.normed, n, s.key, loop);
    w.value().apply(s.normed, n, s.value, loop);
    for (int t = 0; t < n; t++) {
      rotary.apply(s.query, t * config.queryDim(), config.heads(), start + t);
      rotary.apply(s.key, t * config.kvDim(), config.kvHeads(), start + t);
    }
    cache.append(s.key, s.value, n);
    attend(cache, start, n, s.query, s.context);
    w.output().apply(s.context, n, s.projected, loop);
    addInto(x, s.projected, n * hidden);

    for (int t = 0; t < n; t++) {
      rmsNorm(x, t * hidden, w.postAttentionNorm(), s.normed, t * hidden, hidden);
    }
    w.gate().apply(s.normed, n, s.gate, loop);
    w.up().apply(s.normed, n, s.up, loop);
    int inner = n * config.intermediateSize();
    for (int i = 0; i < inner; i++) {
      float g = s.gate[i];
      s.gate[i] = g / (1f + (float) Math.exp(-g)) * s.up[i];
    }
    w.down().apply(s.gate, n, s.projected, loop);
    addInto(x, s.projected, n * hidden);
  }

  /** Causal attention of the {@code n} new positions (from {@code start}) over the cache. */
  private void attend(KvCache cache, int start, int n, float[] query, float[] context) {
    int heads = config.heads();
    long work = (long) n * heads * (start + n) * config.headDim();
    if (work < PARALLEL_ATTENTION) {
      for (int task = 0; task < n * heads; task++) {
        attendOne(cache, start, task / heads, task % heads, query, context);
      }
      return;
    }
    loop.forEach(n * heads, task -> attendOne(cache, start, task / heads, task % heads, query, context));
  }

  private void attendOne(KvCache cache, int start, int t, int head, float[] query, float[] context) {
    int headDim = config.headDim();
    int kvDim = config.kvDim();
    int kvHead = head / (config.heads() / config.kvHeads());
    int position = start + t;
    int first = config.slidingWindow() > 0 ? Math.max(0, position - config.slidingWindow() + 1) : 0;
    int q = t * config.queryDim() + head * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    float[] keys = cache.keys();
    float[] values = cache.values();
    float[] scores = new float[position - first + 1];
    float max = Float.NEGATIVE_INFINITY;
    for (int p = first; p <= position; p++) {
      int k = p * kvDim + kvHead * headDim;
      float dot = 0f;
      for (int d = 0; d < headDim; d++) {
        dot += query[q + d] * keys[k + d];
      }
      float score = dot * scale;
      scores[p - first] = score;
      max = Math.max(max, score);
    }
    float sum = 0f;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) Math.exp(scores[i] - max);
      sum += scores[i];
    }
    int out = t * config.queryDim() + head * headDim;
    for (int d = 0; d < headDim; d++) {
      context[out + d] = 0f;
    }
    for (int p = first; p <= position; p++) {
      float weight = scores[p - first] / sum;
      int v = p * kvDim + kvHead * headDim;
      for (int d = 0; d < headDim; d++) {
        context[out + d] += weight * values[v + d];
      }
    }
  }

  private void rmsNorm(float[] in, int inOffset, float[] scale, float[] out, int outOffset, int size) {
    double squares = 0;
    for (int i = 0; i < size; i++) {
      float v = in[inOffset + i];
      squares += v * v;
    }
    float inverse = (float) (1.0 / Math.sqrt(squares / size + config.rmsNormEps()));
    for (int i = 0; i < size; i++) {
      out[outOffset + i] = scale[i] * (in[inOffset + i] * inverse);
    }
  }

  private static void addInto(float[] target, float[] addend, int count) {
    for (int i = 0; i < count; i++) {
      target[i] += addend[i];
    }
  }

  /** Per-call buffers sized for the tokens of one forward call. */
  private static final class Scratch {
    final float[] normed;
    final float[] query;
    final float[] key;
    final float[] value;
    final float[] context;
    final float[] projected;
    final float[] gate;
    final float[] up;

    Scratch(ModelConfig c, int n) {
      normed = new float[n * c.hiddenSize()];
      query = new float[n * c.queryDim()];
      key = new float[n * c.kvDim()];
      value = new float[n * c.kvDim()];
      context = new float[n * c.queryDim()];
      projected = new float[n * c.hiddenSize()];
      gate = new float[n * c.intermediateSize()];
      up = new float[n * c.intermediateSize()];
    }
  }
}
