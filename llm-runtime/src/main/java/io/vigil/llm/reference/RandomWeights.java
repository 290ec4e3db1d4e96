package io.vigil.llm.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a model directory with random weights ({@code config.json} and {@code model.safetensors}
 * under the Hugging Face names) that {@link ReferenceBackend} loads: no generative model's weights
 * ship in any package, so tests and {@code --random-model} runs make their own. The same spec and
 * seed always give the same bytes.
 */
public final class RandomWeights {
  private RandomWeights() {}

  /**
   * Model dimensions. {@code qkvBias} makes it a Qwen2 model (biases on q, k, v), otherwise Llama.
   */
  public record Spec(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int layers,
      int heads,
      int kvHeads,
      boolean qkvBias,
      boolean tiedEmbeddings,
      Dtype dtype) {

    public Spec {
      if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0) {
        throw new IllegalArgumentException("model dimensions must be positive");
      }
      if (hiddenSize % heads != 0 || heads % kvHeads != 0 || (hiddenSize / heads) % 2 != 0) {
        throw new IllegalArgumentException("hidden size " + hiddenSize + " must split into " + heads
            + " heads of even size, and heads into " + kvHeads + " key/value groups");
      }
    }

    /** A small Llama-style model over {@code vocabSize} tokens: hidden 64, 2 layers, 4 heads sharing 2 KV heads. */
    public static Spec small(int vocabSize) {
      return new Spec(vocabSize, 64, 128, 2, 4, 2, false, false, Dtype.F32);
    }

    public Spec withQkvBias(boolean bias) {
      return new Spec(vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, bias, tiedEmbeddings, dtype);
    }

    public Spec withTiedEmbeddings(boolean tied) {
      return new Spec(vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, qkvBias, tied, dtype);
    }

    public Spec withDtype(Dtype newDtype) {
      return new Spec(vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, qkvBias, tiedEmbeddings, newDtype);
    }

    public Spec withHeads(int newHeads, int newKvHeads) {
      return new Spec(vocabSize, hiddenSize, intermediateSize, layers, newHeads, newKvHeads, qkvBias, tiedEmbeddings, dtype);
    }
  }

  /** Writes the model into {@code directory} (created if missing) and returns it. */
  public static Path write(Path directory, Spec spec, long seed) {
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve("config.json"), config(spec).toPrettyString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory, e);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int hidden = spec.hiddenSize();
    int headDim = hidden / spec.heads();
    int kvDim = spec.kvHeads() * headDim;
    int inner = spec.intermediateSize();
    SafetensorsWriter writer = new SafetensorsWriter();
    // unit-variance embeddings; projections scaled by fan-in so activations stay O(1)
    writer.add(TransformerWeights.EMBEDDING, spec.dtype(), shape(spec.vocabSize(), hidden),
        gaussian(random, (long) spec.vocabSize() * hidden, 1.0));
    for (int layer = 0; layer < spec.layers(); layer++) {
      writer.add(TransformerWeights.layerTensor(layer, "input_layernorm.weight"), spec.dtype(), shape(hidden), norm(random, hidden));
      projection(writer, spec, random, layer, "self_attn.q_proj", hidden, hidden, spec.qkvBias());
      projection(writer, spec, random, layer, "self_attn.k_proj", hidden, kvDim, spec.qkvBias());
      projection(writer, spec, random, layer, "self_attn.v_proj", hidden, kvDim, spec.qkvBias());
      projection(writer, spec, random, layer, "self_attn.o_proj", hidden, hidden, false);
      writer.add(TransformerWeights.layerTensor(layer, "post_attention_layernorm.weight"), spec.dtype(), shape(hidden), norm(random, hidden));
      projection(writer, spec, random, layer, "mlp.gate_proj", hidden, inner, false);
      projection(writer, spec, random, layer, "mlp.up_proj", hidden, inner, false);
      projection(writer, spec, random, layer, "mlp.down_proj", inner, hidden, false);
    }
    writer.add(TransformerWeights.FINAL_NORM, spec.dtype(), shape(hidden), norm(random, hidden));
    if (!spec.tiedEmbeddings()) {
      // a wider output scale than the fan-in rule gives logits a spread, as a trained model has
      writer.add(TransformerWeights.LM_HEAD, spec.dtype(), shape(spec.vocabSize(), hidden),
          gaussian(random, (long) spec.vocabSize() * hidden, 3.0 / Math.sqrt(hidden)));
    }
    writer.write(directory.resolve(Checkpoint.SINGLE_FILE));
    return directory;
  }

  private static ObjectNode config(Spec spec) {
    ObjectNode config = new ObjectMapper().createObjectNode();
    config.putArray("architectures").add(spec.qkvBias() ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
    config.put("model_type", spec.qkvBias() ? "qwen2" : "llama");
    config.put("vocab_size", spec.vocabSize());
    config.put("hidden_size", spec.hiddenSize());
    config.put("intermediate_size", spec.intermediateSize());
    config.put("num_hidden_layers", spec.layers());
    config.put("num_attention_heads", spec.heads());
    config.put("num_key_value_heads", spec.kvHeads());
    config.put("hidden_act", "silu");
    config.put("rms_norm_eps", 1e-6);
    config.put("rope_theta", 10000.0);
    config.put("max_position_embeddings", 4096);
    config.put("tie_word_embeddings", spec.tiedEmbeddings());
    config.put("torch_dtype", spec.dtype() == Dtype.F32 ? "float32" : spec.dtype() == Dtype.F16 ? "float16" : "bfloat16");
    return config;
  }

  private static void projection(SafetensorsWriter writer, Spec spec, SplittableRandom random, int layer, String name,
      int in, int out, boolean bias) {
    writer.add(TransformerWeights.layerTensor(layer, name + ".weight"), spec.dtype(), shape(out, in),
        gaussian(random, (long) out * in, 1.0 / Math.sqrt(in)));
    if (bias) {
      writer.add(TransformerWeights.layerTensor(layer, name + ".bias"), spec.dtype(), shape(out), gaussian(random, out, 0.1));
    }
  }

  private static float[] norm(SplittableRandom random, int size) {
    float[] scale = gaussian(random, size, 0.1);
    for (int i = 0; i < size; i++) {
      scale[i] += 1f;
    }
    return scale;
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

  private static long[] shape(long... dims) {
    return dims;
  }
}
