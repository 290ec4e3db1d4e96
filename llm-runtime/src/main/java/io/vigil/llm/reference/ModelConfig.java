package io.vigil.llm.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The parts of a Hugging Face {@code config.json} a Llama / Qwen2 / Mistral decoder needs. Biases:
 * Qwen2 has them on q, k and v; Llama's {@code attention_bias} puts them on q, k, v and o, its
 * {@code mlp_bias} on the MLP. {@code slidingWindow} 0 means full attention.
 */
public record ModelConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    float rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    int maxPositions,
    boolean tiedEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    int slidingWindow) {

  private static final Set<String> MODEL_TYPES = Set.of("llama", "qwen2", "mistral");

  public ModelConfig {
    if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0
        || headDim <= 0 || maxPositions <= 0 || slidingWindow < 0) {
      throw new ModelLoadException("config: sizes must be positive (vocab_size, hidden_size, intermediate_size, "
          + "num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, max_position_embeddings)");
    }
    if (heads % kvHeads != 0) {
      throw new ModelLoadException("config: num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
    }
    if (headDim % 2 != 0) {
      throw new ModelLoadException("config: head_dim " + headDim + " is odd; rotary embeddings rotate pairs");
    }
  }

  public int queryDim() {
    return heads * headDim;
  }

  public int kvDim() {
    return kvHeads * headDim;
  }

  /** How position frequencies are stretched for long contexts; {@code none()} leaves them. */
  public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    public static RopeScaling none() {
      return new RopeScaling("default", 1, 0, 0, 0);
    }
  }

  public static ModelConfig read(Path configJson) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(configJson.toFile());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + configJson + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(configJson + " is not a JSON object");
    }
    return parse(root);
  }

  public static ModelConfig parse(JsonNode root) {
    String type = root.path("model_type").asText("");
    if (!MODEL_TYPES.contains(type)) {
      throw new ModelLoadException("config: model_type '" + type + "' is not supported; supported: llama, qwen2, mistral");
    }
    String activation = root.path("hidden_act").asText("silu");
    if (!activation.equals("silu")) {
      throw new ModelLoadException("config: hidden_act '" + activation + "' is not supported; supported: silu");
    }
    int hidden = required(root, "hidden_size");
    int heads = required(root, "num_attention_heads");
    int headDim = root.hasNonNull("head_dim") ? root.get("head_dim").asInt() : hidden / heads;
    boolean attentionBias = root.path("attention_bias").asBoolean(false);
    boolean qwen2 = type.equals("qwen2");
    if (qwen2 && root.path("use_sliding_window").asBoolean(false)) {
      throw new ModelLoadException("config: Qwen2 use_sliding_window is not supported");
    }
    int window = type.equals("mistral") && root.hasNonNull("sliding_window") ? root.get("sliding_window").asInt() : 0;
    return new ModelConfig(
        type,
        required(root, "vocab_size"),
        hidden,
        required(root, "intermediate_size"),
        required(root, "num_hidden_layers"),
        heads,
        root.hasNonNull("num_key_value_heads") ? root.get("num_key_value_heads").asInt() : heads,
        headDim,
        (float) root.path("rms_norm_eps").asDouble(1e-6),
        root.path("rope_theta").asDouble(10000.0),
        ropeScaling(root.get("rope_scaling")),
        root.path("max_position_embeddings").asInt(4096),
        root.path("tie_word_embeddings").asBoolean(false),
        qwen2 || attentionBias,
        attentionBias,
        root.path("mlp_bias").asBoolean(false),
        window);
  }

  private static RopeScaling ropeScaling(JsonNode node) {
    if (node == null || node.isNull()) {
      return RopeScaling.none();
    }
    String type = node.hasNonNull("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("default");
    if (type.equals("default")) {
      return RopeScaling.none();
    }
    if (!type.equals("linear") && !type.equals("llama3")) {
      throw new ModelLoadException("config: rope_scaling type '" + type + "' is not supported; supported: default, linear, llama3");
    }
    double factor = node.path("factor").asDouble(1.0);
    if (factor <= 0) {
      throw new ModelLoadException("config: rope_scaling factor must be positive, was " + factor);
    }
    if (type.equals("linear")) {
      return new RopeScaling(type, factor, 0, 0, 0);
    }
    RopeScaling scaling = new RopeScaling(type, factor, node.path("low_freq_factor").asDouble(1.0),
        node.path("high_freq_factor").asDouble(4.0), node.path("original_max_position_embeddings").asInt(8192));
    if (scaling.highFreqFactor() <= scaling.lowFreqFactor() || scaling.originalMaxPositions() <= 0) {
      throw new ModelLoadException("config: llama3 rope_scaling needs high_freq_factor > low_freq_factor and original_max_position_embeddings > 0");
    }
    return scaling;
  }

  private static int required(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new ModelLoadException("config: missing integer field '" + field + "'");
    }
    return value.asInt();
  }
}
