package io.vigil.llm.onnx;

import static io.vigil.llm.onnx.OnnxSignature.past;
import static io.vigil.llm.onnx.OnnxSignature.present;

import io.vigil.llm.onnx.OnnxGraphWriter.Attribute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small causal attention language model with random weights, written as an ONNX graph in the
 * Hugging Face / Optimum decoder-with-past convention that {@link OnnxBackend} runs: inputs
 * {@code input_ids}, {@code attention_mask}, {@code position_ids} and
 * {@code past_key_values.{i}.key|value}; outputs {@code logits} and {@code present.{i}.key|value}.
 * Per layer: multi-head attention (no normalization, no MLP) with a residual; token plus learned
 * position embeddings in, a projection to the vocabulary plus a per-token output bias (zero unless
 * given: a prior such as "end the turn") out. A causal mask built from the
 * attention mask's length lets a run take several tokens. For tests and random-model demos.
 */
public final class RandomOnnxModel {
  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;
  /** Added where attention is masked: far below any score, yet finite so softmax stays defined. */
  private static final float MASKED = -1e9f;

  /** Model dimensions. */
  public record Spec(int vocabSize, int hiddenSize, int heads, int layers, int maxPositions) {
    public Spec {
      if (vocabSize <= 0 || hiddenSize <= 0 || heads <= 0 || layers <= 0 || maxPositions <= 0 || hiddenSize % heads != 0) {
        throw new IllegalArgumentException("model dimensions must be positive and hidden size a multiple of heads");
      }
    }

    public int headDim() {
      return hiddenSize / heads;
    }
  }

  /**
   * The weights, matrices row-major in the {@code x @ W} orientation ({@code [in][out]}).
   * {@code query}, {@code key}, {@code value}, {@code output} hold one {@code [hidden][hidden]}
   * matrix per layer; {@code outputBias} is added to the logits.
   */
  public record Weights(
      float[] tokenEmbedding,
      float[] positionEmbedding,
      List<float[]> query,
      List<float[]> key,
      List<float[]> value,
      List<float[]> output,
      float[] lmHead,
      float[] outputBias) {}

  private final Spec spec;
  private final Weights weights;

  private RandomOnnxModel(Spec spec, Weights weights) {
    this.spec = spec;
    this.weights = weights;
  }

  public static RandomOnnxModel generate(Spec spec, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = spec.hiddenSize();
    float[] tokens = gaussian(random, (long) spec.vocabSize() * d, 1.0);
    float[] positions = gaussian(random, (long) spec.maxPositions() * d, 0.5);
    List<float[]> q = new ArrayList<>();
    List<float[]> k = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    List<float[]> o = new ArrayList<>();
    double scale = 1.0 / Math.sqrt(d);
    for (int layer = 0; layer < spec.layers(); layer++) {
      q.add(gaussian(random, (long) d * d, scale));
      k.add(gaussian(random, (long) d * d, scale));
      v.add(gaussian(random, (long) d * d, scale));
      o.add(gaussian(random, (long) d * d, scale));
    }
    float[] head = gaussian(random, (long) d * spec.vocabSize(), 2.0 * scale);
    return new RandomOnnxModel(spec, new Weights(tokens, positions, q, k, v, o, head, new float[spec.vocabSize()]));
  }

  /** The same model with {@code bias} added to the output bias of the given tokens. */
  public RandomOnnxModel withOutputBias(Map<Integer, Float> bias) {
    float[] outputBias = weights.outputBias().clone();
    bias.forEach((token, value) -> outputBias[token] += value);
    Weights w = weights;
    return new RandomOnnxModel(spec, new Weights(w.tokenEmbedding(), w.positionEmbedding(), w.query(), w.key(), w.value(),
        w.output(), w.lmHead(), outputBias));
  }

  public Spec spec() {
    return spec;
  }

  public Weights weights() {
    return weights;
  }

  /** Writes the model to {@code file} and returns it. */
  public Path write(Path file) {
    try {
      Files.write(file, toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  byte[] toBytes() {
    int d = spec.hiddenSize();
    int heads = spec.heads();
    int headDim = spec.headDim();
    OnnxGraphWriter g = new OnnxGraphWriter("random_attention_lm");
    g.input("input_ids", OnnxGraphWriter.INT64, "batch", "sequence");
    g.input("attention_mask", OnnxGraphWriter.INT64, "batch", "total_sequence");
    g.input("position_ids", OnnxGraphWriter.INT64, "batch", "sequence");
    for (int layer = 0; layer < spec.layers(); layer++) {
      g.input(past(layer, "key"), OnnxGraphWriter.FLOAT, "batch", (long) heads, "past_sequence", (long) headDim);
      g.input(past(layer, "value"), OnnxGraphWriter.FLOAT, "batch", (long) heads, "past_sequence", (long) headDim);
    }
    g.output("logits", OnnxGraphWriter.FLOAT, "batch", "sequence", (long) spec.vocabSize());
    for (int layer = 0; layer < spec.layers(); layer++) {
      g.output(present(layer, "key"), OnnxGraphWriter.FLOAT, "batch", (long) heads, "total_sequence", (long) headDim);
      g.output(present(layer, "value"), OnnxGraphWriter.FLOAT, "batch", (long) heads, "total_sequence", (long) headDim);
    }

    long[] scalar = {};
    g.floats("token_embedding", new long[] {spec.vocabSize(), d}, weights.tokenEmbedding());
    g.floats("position_embedding", new long[] {spec.maxPositions(), d}, weights.positionEmbedding());
    g.floats("lm_head", new long[] {d, spec.vocabSize()}, weights.lmHead());
    g.floats("output_bias", new long[] {spec.vocabSize()}, weights.outputBias());
    g.longs("zero", scalar, 0).longs("one", scalar, 1).longs("axis_1", new long[] {1}, 1).longs("axes_1_2", new long[] {2}, 1, 2);
    g.longs("split_heads", new long[] {4}, 0, 0, heads, headDim).longs("merge_heads", new long[] {3}, 0, 0, d);
    g.floats("score_scale", scalar, new float[] {(float) (1.0 / Math.sqrt(headDim))});
    g.floats("masked", scalar, new float[] {MASKED});

    // allowed[b, 1, i, j]: query i (absolute position past + i) may see key j when j <= past + i
    // and the attention mask keeps j; the total length is the attention mask's
    g.node("Shape", "ids_shape", "input_ids");
    g.node("Gather", "new_length", "ids_shape", "one");
    g.node("Shape", "mask_shape", "attention_mask");
    g.node("Gather", "total_length", "mask_shape", "one");
    g.node("Sub", "past_length", "total_length", "new_length");
    g.node("Range", "key_positions", "zero", "total_length", "one");
    g.node("Range", "query_positions", "past_length", "total_length", "one");
    g.node("Unsqueeze", "query_column", "query_positions", "axis_1");
    g.node("LessOrEqual", "causal", "key_positions", "query_column");
    g.node("Cast", new String[] {"attention_mask"}, new String[] {"mask_bool"}, Attribute.ofInt("to", OnnxGraphWriter.BOOL));
    g.node("Unsqueeze", "mask_4d", "mask_bool", "axes_1_2");
    g.node("And", "allowed", "causal", "mask_4d");

    g.node("Gather", "token_vectors", "token_embedding", "input_ids");
    g.node("Gather", "position_vectors", "position_embedding", "position_ids");
    g.node("Add", "hidden_0", "token_vectors", "position_vectors");
    for (int layer = 0; layer < spec.layers(); layer++) {
      attentionLayer(g, layer, d);
    }
    g.node("MatMul", "projected", "hidden_" + spec.layers(), "lm_head");
    g.node("Add", "logits", "projected", "output_bias");
    return g.toModel(IR_VERSION, OPSET, "vigil RandomOnnxModel");
  }

  private void attentionLayer(OnnxGraphWriter g, int layer, int d) {
    String l = "_" + layer;
    String x = "hidden" + l;
    long[] square = {d, d};
    g.floats("wq" + l, square, weights.query().get(layer));
    g.floats("wk" + l, square, weights.key().get(layer));
    g.floats("wv" + l, square, weights.value().get(layer));
    g.floats("wo" + l, square, weights.output().get(layer));
    for (String part : new String[] {"q", "k", "v"}) {
      g.node("MatMul", part + l, x, "w" + part + l);
      g.node("Reshape", part + "_heads" + l, part + l, "split_heads");
      g.node("Transpose", new String[] {part + "_heads" + l}, new String[] {part + "_bhsd" + l}, Attribute.ofInts("perm", 0, 2, 1, 3));
    }
    g.node("Concat", new String[] {past(layer, "key"), "k_bhsd" + l}, new String[] {present(layer, "key")}, Attribute.ofInt("axis", 2));
    g.node("Concat", new String[] {past(layer, "value"), "v_bhsd" + l}, new String[] {present(layer, "value")}, Attribute.ofInt("axis", 2));
    g.node("Transpose", new String[] {present(layer, "key")}, new String[] {"keys_t" + l}, Attribute.ofInts("perm", 0, 1, 3, 2));
    g.node("MatMul", "scores" + l, "q_bhsd" + l, "keys_t" + l);
    g.node("Mul", "scaled" + l, "scores" + l, "score_scale");
    g.node("Where", "masked_scores" + l, "allowed", "scaled" + l, "masked");
    g.node("Softmax", new String[] {"masked_scores" + l}, new String[] {"attention" + l}, Attribute.ofInt("axis", -1));
    g.node("MatMul", "context" + l, "attention" + l, present(layer, "value"));
    g.node("Transpose", new String[] {"context" + l}, new String[] {"context_bshd" + l}, Attribute.ofInts("perm", 0, 2, 1, 3));
    g.node("Reshape", "context_merged" + l, "context_bshd" + l, "merge_heads");
    g.node("MatMul", "attended" + l, "context_merged" + l, "wo" + l);
    g.node("Add", "hidden_" + (layer + 1), x, "attended" + l);
  }

  private static float[] gaussian(SplittableRandom random, long count, double std) {
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of " + count + " values is too large");
    }
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }
}
