package io.vigil.llm.reference;

/**
 * A second, deliberately plain forward pass of the same architecture, in double precision, with
 * weights in the Hugging Face {@code [out][in]} layout and the whole prefix recomputed each call:
 * what the optimized {@link Transformer} is checked against.
 */
final class NaiveLlama {
  private final ModelConfig c;
  private final Checkpoint checkpoint;

  NaiveLlama(ModelConfig config, Checkpoint checkpoint) {
    this.c = config;
    this.checkpoint = checkpoint;
  }

  double[] logitsAfter(int[] tokens) {
    int n = tokens.length;
    int d = c.hiddenSize();
    float[] embedding = checkpoint.read(TransformerWeights.EMBEDDING, c.vocabSize(), d);
    double[][] x = new double[n][d];
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < d; i++) {
        x[t][i] = embedding[tokens[t] * d + i];
      }
    }
    for (int layer = 0; layer < c.layers(); layer++) {
      x = layer(layer, x);
    }
    double[] last = norm(x[n - 1], weight("model.norm.weight", d));
    float[] head = c.tiedEmbeddings() ? embedding : checkpoint.read(TransformerWeights.LM_HEAD, c.vocabSize(), d);
    return project(head, null, c.vocabSize(), d, last);
  }

  private double[][] layer(int layer, double[][] x) {
    int n = x.length;
    int d = c.hiddenSize();
    int hd = c.headDim();
    String p = "model.layers." + layer + ".";
    double[][] q = new double[n][];
    double[][] k = new double[n][];
    double[][] v = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] h = norm(x[t], weight(p + "input_layernorm.weight", d));
      q[t] = rope(project(p + "self_attn.q_proj", c.heads() * hd, d, h, c.qkvBias()), c.heads(), t);
      k[t] = rope(project(p + "self_attn.k_proj", c.kvHeads() * hd, d, h, c.qkvBias()), c.kvHeads(), t);
      v[t] = project(p + "self_attn.v_proj", c.kvHeads() * hd, d, h, c.qkvBias());
    }
    double[][] out = new double[n][];
    int group = c.heads() / c.kvHeads();
    for (int t = 0; t < n; t++) {
      double[] context = new double[c.heads() * hd];
      for (int head = 0; head < c.heads(); head++) {
        int kvHead = head / group;
        double[] scores = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s <= t; s++) {
          double dot = 0;
          for (int i = 0; i < hd; i++) {
            dot += q[t][head * hd + i] * k[s][kvHead * hd + i];
          }
          scores[s] = dot / Math.sqrt(hd);
          max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = 0; s <= t; s++) {
          scores[s] = Math.exp(scores[s] - max);
          sum += scores[s];
        }
        for (int s = 0; s <= t; s++) {
          for (int i = 0; i < hd; i++) {
            context[head * hd + i] += scores[s] / sum * v[s][kvHead * hd + i];
          }
        }
      }
      double[] attended = project(p + "self_attn.o_proj", d, c.heads() * hd, context, c.outputBias());
      double[] residual = new double[d];
      for (int i = 0; i < d; i++) {
        residual[i] = x[t][i] + attended[i];
      }
      double[] h = norm(residual, weight(p + "post_attention_layernorm.weight", d));
      int inner = c.intermediateSize();
      double[] gate = project(p + "mlp.gate_proj", inner, d, h, false);
      double[] up = project(p + "mlp.up_proj", inner, d, h, false);
      for (int i = 0; i < inner; i++) {
        gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
      }
      double[] down = project(p + "mlp.down_proj", d, inner, gate, false);
      for (int i = 0; i < d; i++) {
        residual[i] += down[i];
      }
      out[t] = residual;
    }
    return out;
  }

  private double[] rope(double[] vector, int heads, int position) {
    int hd = c.headDim();
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < hd / 2; i++) {
        double angle = position / Math.pow(c.ropeTheta(), 2.0 * i / hd);
        double a = vector[head * hd + i];
        double b = vector[head * hd + i + hd / 2];
        vector[head * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
        vector[head * hd + i + hd / 2] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
    return vector;
  }

  private double[] norm(double[] x, float[] scale) {
    double squares = 0;
    for (double value : x) {
      squares += value * value;
    }
    double inverse = 1 / Math.sqrt(squares / x.length + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * inverse * scale[i];
    }
    return out;
  }

  private double[] project(String name, int out, int in, double[] x, boolean bias) {
    return project(checkpoint.read(name + ".weight", out, in), bias ? checkpoint.read(name + ".bias", out) : null, out, in, x);
  }

  private static double[] project(float[] w, float[] bias, int out, int in, double[] x) {
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double sum = bias == null ? 0 : bias[o];
      for (int i = 0; i < in; i++) {
        sum += w[o * in + i] * x[i];
      }
      y[o] = sum;
    }
    return y;
  }

  private float[] weight(String name, int size) {
    return checkpoint.read(name, size);
  }
}
