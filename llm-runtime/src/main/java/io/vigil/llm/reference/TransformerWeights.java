package io.vigil.llm.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * All weights of the model, read from a checkpoint under the Hugging Face tensor names. With tied
 * embeddings only the output projection is kept, and token rows are gathered from it.
 */
record TransformerWeights(float[] embedding, List<LayerWeights> layers, float[] finalNorm, Linear lmHead) {
  static final String EMBEDDING = "model.embed_tokens.weight";
  static final String FINAL_NORM = "model.norm.weight";
  static final String LM_HEAD = "lm_head.weight";

  static String layerTensor(int layer, String suffix) {
    return "model.layers." + layer + "." + suffix;
  }

  /** The embedding row of {@code token} into {@code out} at {@code offset}. */
  void embed(int token, int hidden, float[] out, int offset) {
    if (embedding != null) {
      System.arraycopy(embedding, token * hidden, out, offset, hidden);
      return;
    }
    float[] w = lmHead.weightInOut();
    int vocab = lmHead.out();
    for (int i = 0; i < hidden; i++) {
      out[offset + i] = w[i * vocab + token];
    }
  }

  static TransformerWeights load(Checkpoint checkpoint, ModelConfig config) {
    int vocab = config.vocabSize();
    int hidden = config.hiddenSize();
    float[] embedding = checkpoint.read(EMBEDDING, vocab, hidden);
    List<LayerWeights> layers = new ArrayList<>();
    for (int layer = 0; layer < config.layers(); layer++) {
      layers.add(loadLayer(checkpoint, config, layer));
    }
    float[] finalNorm = checkpoint.read(FINAL_NORM, hidden);
    if (config.tiedEmbeddings()) {
      return new TransformerWeights(null, layers, finalNorm, Linear.fromOutIn(embedding, null, hidden, vocab));
    }
    Linear lmHead = Linear.fromOutIn(checkpoint.read(LM_HEAD, vocab, hidden), null, hidden, vocab);
    return new TransformerWeights(embedding, layers, finalNorm, lmHead);
  }

  private static LayerWeights loadLayer(Checkpoint checkpoint, ModelConfig config, int layer) {
    int hidden = config.hiddenSize();
    String attention = "self_attn.";
    String mlp = "mlp.";
    return new LayerWeights(
        checkpoint.read(layerTensor(layer, "input_layernorm.weight"), hidden),
        linear(checkpoint, layer, attention + "q_proj", hidden, config.queryDim(), config.qkvBias()),
        linear(checkpoint, layer, attention + "k_proj", hidden, config.kvDim(), config.qkvBias()),
        linear(checkpoint, layer, attention + "v_proj", hidden, config.kvDim(), config.qkvBias()),
        linear(checkpoint, layer, attention + "o_proj", config.queryDim(), hidden, config.outputBias()),
        checkpoint.read(layerTensor(layer, "post_attention_layernorm.weight"), hidden),
        linear(checkpoint, layer, mlp + "gate_proj", hidden, config.intermediateSize(), config.mlpBias()),
        linear(checkpoint, layer, mlp + "up_proj", hidden, config.intermediateSize(), config.mlpBias()),
        linear(checkpoint, layer, mlp + "down_proj", config.intermediateSize(), hidden, config.mlpBias()));
  }

  /** A projection; its bias is read when the config calls for one (then it must be there) or the checkpoint has one. */
  private static Linear linear(Checkpoint checkpoint, int layer, String name, int in, int out, boolean biasExpected) {
    float[] weight = checkpoint.read(layerTensor(layer, name + ".weight"), out, in);
    String biasName = layerTensor(layer, name + ".bias");
    float[] bias = biasExpected || checkpoint.has(biasName) ? checkpoint.read(biasName, out) : null;
    return Linear.fromOutIn(weight, bias, in, out);
  }
}
