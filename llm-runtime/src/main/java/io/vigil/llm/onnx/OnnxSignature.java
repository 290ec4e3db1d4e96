package io.vigil.llm.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The inputs and outputs of a causal LM exported in the Hugging Face / Optimum decoder-with-past
 * convention, read from the session's metadata: {@code input_ids}, optional {@code attention_mask},
 * {@code position_ids} and {@code use_cache_branch}, {@code past_key_values.{i}.key|value}
 * {@code [batch, kv_heads, past, head_dim]}; outputs {@code logits} and {@code present.{i}.key|value}.
 */
record OnnxSignature(
    int layers, int kvHeads, int headDim, int vocabSize, boolean attentionMask, boolean positionIds, boolean useCacheBranch) {

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String POSITION_IDS = "position_ids";
  static final String USE_CACHE_BRANCH = "use_cache_branch";
  static final String LOGITS = "logits";

  static String past(int layer, String part) {
    return "past_key_values." + layer + "." + part;
  }

  static String present(int layer, String part) {
    return "present." + layer + "." + part;
  }

  static OnnxSignature discover(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
    Set<String> unexplained = new LinkedHashSet<>(inputs.keySet());
    requireTensor(inputs, INPUT_IDS, OnnxJavaType.INT64, "input");
    unexplained.remove(INPUT_IDS);
    boolean attentionMask = optionalTensor(inputs, ATTENTION_MASK, OnnxJavaType.INT64, unexplained);
    boolean positionIds = optionalTensor(inputs, POSITION_IDS, OnnxJavaType.INT64, unexplained);
    boolean useCacheBranch = optionalTensor(inputs, USE_CACHE_BRANCH, OnnxJavaType.BOOL, unexplained);

    int layers = 0;
    while (inputs.containsKey(past(layers, "key"))) {
      layers++;
    }
    if (layers == 0) {
      throw new OnnxBackendException("the model has no input " + past(0, "key")
          + ": export it with past key/values (Optimum: the text-generation-with-past task)");
    }
    int kvHeads = -1;
    int headDim = -1;
    for (int layer = 0; layer < layers; layer++) {
      for (String part : new String[] {"key", "value"}) {
        long[] shape = requireTensor(inputs, past(layer, part), OnnxJavaType.FLOAT, "input");
        unexplained.remove(past(layer, part));
        if (shape.length != 4 || shape[1] <= 0 || shape[3] <= 0) {
          throw new OnnxBackendException("input " + past(layer, part) + " has shape " + Arrays.toString(shape)
              + "; expected [batch, kv_heads, past_sequence, head_dim] with fixed kv_heads and head_dim");
        }
        if (kvHeads == -1) {
          kvHeads = (int) shape[1];
          headDim = (int) shape[3];
        } else if (shape[1] != kvHeads || shape[3] != headDim) {
          throw new OnnxBackendException("input " + past(layer, part) + " has shape " + Arrays.toString(shape)
              + ", unlike " + past(0, "key") + " [batch, " + kvHeads + ", past_sequence, " + headDim + "]");
        }
        requireTensor(outputs, present(layer, part), OnnxJavaType.FLOAT, "output");
      }
    }
    if (!unexplained.isEmpty()) {
      throw new OnnxBackendException("the model has inputs this backend does not know how to feed: " + unexplained);
    }
    long[] logits = requireTensor(outputs, LOGITS, OnnxJavaType.FLOAT, "output");
    if (logits.length != 3 || logits[2] <= 0) {
      throw new OnnxBackendException("output logits has shape " + Arrays.toString(logits)
          + "; expected [batch, sequence, vocab] with a fixed vocab");
    }
    return new OnnxSignature(layers, kvHeads, headDim, (int) logits[2], attentionMask, positionIds, useCacheBranch);
  }

  private static boolean optionalTensor(Map<String, NodeInfo> inputs, String name, OnnxJavaType type, Set<String> unexplained) {
    if (!inputs.containsKey(name)) {
      return false;
    }
    requireTensor(inputs, name, type, "input");
    unexplained.remove(name);
    return true;
  }

  private static long[] requireTensor(Map<String, NodeInfo> values, String name, OnnxJavaType type, String kind) {
    NodeInfo node = values.get(name);
    if (node == null) {
      throw new OnnxBackendException("the model has no " + kind + " named " + name + "; it has " + values.keySet());
    }
    ValueInfo info = node.getInfo();
    if (!(info instanceof TensorInfo) || ((TensorInfo) info).type != type) {
      throw new OnnxBackendException(kind + " " + name + " is " + info + "; expected a tensor of " + type
          + (type == OnnxJavaType.FLOAT ? " (float16 exports are not supported: export in float32)" : ""));
    }
    return ((TensorInfo) info).getShape();
  }
}
