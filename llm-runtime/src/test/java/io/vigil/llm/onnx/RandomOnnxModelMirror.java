package io.vigil.llm.onnx;

/**
 * The computation {@link RandomOnnxModel} writes as a graph, done again in plain Java (double
 * precision, whole prefix each call), to check what ONNX Runtime returns for it.
 */
final class RandomOnnxModelMirror {
  private final RandomOnnxModel.Spec spec;
  private final RandomOnnxModel.Weights w;

  RandomOnnxModelMirror(RandomOnnxModel model) {
    this.spec = model.spec();
    this.w = model.weights();
  }

  double[] logitsAfter(int[] tokens) {
    int n = tokens.length;
    int d = spec.hiddenSize();
    double[][] x = new double[n][d];
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < d; i++) {
        x[t][i] = w.tokenEmbedding()[tokens[t] * d + i] + w.positionEmbedding()[t * d + i];
      }
    }
    for (int layer = 0; layer < spec.layers(); layer++) {
      double[][] q = multiply(x, w.query().get(layer), d);
      double[][] k = multiply(x, w.key().get(layer), d);
      double[][] v = multiply(x, w.value().get(layer), d);
      double[][] context = new double[n][d];
      int hd = spec.headDim();
      for (int t = 0; t < n; t++) {
        for (int h = 0; h < spec.heads(); h++) {
          double[] scores = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int i = h * hd; i < (h + 1) * hd; i++) {
              dot += q[t][i] * k[s][i];
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
            for (int i = h * hd; i < (h + 1) * hd; i++) {
              context[t][i] += scores[s] / sum * v[s][i];
            }
          }
        }
      }
      double[][] attended = multiply(context, w.output().get(layer), d);
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < d; i++) {
          x[t][i] += attended[t][i];
        }
      }
    }
    double[] logits = new double[spec.vocabSize()];
    for (int j = 0; j < logits.length; j++) {
      logits[j] = w.outputBias()[j];
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < logits.length; j++) {
        logits[j] += x[n - 1][i] * w.lmHead()[i * logits.length + j];
      }
    }
    return logits;
  }

  /** {@code x @ W} with {@code W} as {@code [in][out]}. */
  private static double[][] multiply(double[][] x, float[] weight, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < in; i++) {
        for (int o = 0; o < out; o++) {
          y[t][o] += x[t][i] * weight[i * out + o];
        }
      }
    }
    return y;
  }
}
