package io.vigil.llm.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vigil.llm.spi.DecodeSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One sequence run through ONNX Runtime. The past keys and values are float arrays owned here, one
 * per layer and part, laid out {@code [kv_heads][length][head_dim]} as the model's
 * {@code [1, kv_heads, length, head_dim]} tensors; each run feeds them and keeps the model's
 * {@code present} outputs, and a rewind slices them. Not thread-safe.
 */
final class OnnxDecodeSession implements DecodeSession {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final OnnxSignature signature;
  private final int maxTokensPerRun;
  private final PromptCache promptCache;
  private float[][] keys;
  private float[][] values;
  private int length;
  private boolean closed;

  OnnxDecodeSession(OrtEnvironment environment, OrtSession session, OnnxSignature signature, int maxTokensPerRun,
      PromptCache promptCache) {
    this.environment = environment;
    this.session = session;
    this.signature = signature;
    this.maxTokensPerRun = maxTokensPerRun;
    this.promptCache = promptCache;
    this.keys = new float[signature.layers()][0];
    this.values = new float[signature.layers()][0];
  }

  @Override
  public int length() {
    ensureOpen();
    return length;
  }

  @Override
  public float[] append(int... tokens) {
    ensureOpen();
    if (tokens == null || tokens.length == 0) {
      throw new IllegalArgumentException("append needs at least one token");
    }
    for (int token : tokens) {
      if (token < 0 || token >= signature.vocabSize()) {
        throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + signature.vocabSize());
      }
    }
    boolean prompt = length == 0 && promptCache != null;
    if (prompt) {
      PromptCache.Entry cached = promptCache.lookup(tokens);
      if (cached != null) {
        keys = cached.keys().clone();
        values = cached.values().clone();
        length = tokens.length;
        return cached.logits().clone();
      }
    }
    float[] logits = null;
    for (int from = 0; from < tokens.length; from += maxTokensPerRun) {
      logits = run(Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + maxTokensPerRun)));
    }
    if (prompt) {
      promptCache.store(tokens, keys, values, logits);
    }
    return logits;
  }

  @Override
  public void rewind(int newLength) {
    ensureOpen();
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot rewind a session of " + length + " tokens to " + newLength);
    }
    if (newLength == length) {
      return;
    }
    for (int layer = 0; layer < signature.layers(); layer++) {
      keys[layer] = slice(keys[layer], newLength);
      values[layer] = slice(values[layer], newLength);
    }
    length = newLength;
  }

  @Override
  public void close() {
    closed = true;
    keys = null;
    values = null;
  }

  /** One run of {@code tokens} after the past; state changes only once every output has been read. */
  private float[] run(int[] tokens) {
    int n = tokens.length;
    int total = length + n;
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      long[] ids = new long[n];
      long[] positions = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = tokens[i];
        positions[i] = length + i;
      }
      inputs.put(OnnxSignature.INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), new long[] {1, n}));
      if (signature.attentionMask()) {
        long[] mask = new long[total];
        Arrays.fill(mask, 1L);
        inputs.put(OnnxSignature.ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), new long[] {1, total}));
      }
      if (signature.positionIds()) {
        inputs.put(OnnxSignature.POSITION_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(positions), new long[] {1, n}));
      }
      if (signature.useCacheBranch()) {
        inputs.put(OnnxSignature.USE_CACHE_BRANCH, OnnxTensor.createTensor(environment, new boolean[] {length > 0}));
      }
      long[] pastShape = {1, signature.kvHeads(), length, signature.headDim()};
      for (int layer = 0; layer < signature.layers(); layer++) {
        inputs.put(OnnxSignature.past(layer, "key"), OnnxTensor.createTensor(environment, FloatBuffer.wrap(keys[layer]), pastShape));
        inputs.put(OnnxSignature.past(layer, "value"), OnnxTensor.createTensor(environment, FloatBuffer.wrap(values[layer]), pastShape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[] logits = lastLogits(result, n);
        float[][] newKeys = new float[signature.layers()][];
        float[][] newValues = new float[signature.layers()][];
        long[] presentShape = {1, signature.kvHeads(), total, signature.headDim()};
        for (int layer = 0; layer < signature.layers(); layer++) {
          newKeys[layer] = floats(result, OnnxSignature.present(layer, "key"), presentShape);
          newValues[layer] = floats(result, OnnxSignature.present(layer, "value"), presentShape);
        }
        keys = newKeys;
        values = newValues;
        length = total;
        return logits;
      }
    } catch (OrtException e) {
      throw new OnnxBackendException("ONNX Runtime failed on a run of " + n + " tokens after " + length + ": " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private float[] lastLogits(OrtSession.Result result, int n) {
    int vocab = signature.vocabSize();
    FloatBuffer all = tensor(result, OnnxSignature.LOGITS, new long[] {1, n, vocab}).getFloatBuffer();
    float[] last = new float[vocab];
    all.position((n - 1) * vocab);
    all.get(last);
    return last;
  }

  private static float[] floats(OrtSession.Result result, String name, long[] shape) {
    FloatBuffer buffer = tensor(result, name, shape).getFloatBuffer();
    float[] copy = new float[buffer.remaining()];
    buffer.get(copy);
    return copy;
  }

  private static OnnxTensor tensor(OrtSession.Result result, String name, long[] expectedShape) {
    OnnxValue value = result.get(name).orElseThrow(() -> new OnnxBackendException("the model returned no " + name));
    if (!(value instanceof OnnxTensor)) {
      throw new OnnxBackendException("output " + name + " is not a tensor");
    }
    OnnxTensor tensor = (OnnxTensor) value;
    long[] shape = tensor.getInfo().getShape();
    if (!Arrays.equals(shape, expectedShape)) {
      throw new OnnxBackendException("output " + name + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expectedShape));
    }
    return tensor;
  }

  /** The first {@code newLength} positions of each head of a {@code [kv_heads][length][head_dim]} array. */
  private float[] slice(float[] past, int newLength) {
    int headDim = signature.headDim();
    float[] kept = new float[signature.kvHeads() * newLength * headDim];
    for (int head = 0; head < signature.kvHeads(); head++) {
      System.arraycopy(past, head * length * headDim, kept, head * newLength * headDim, newLength * headDim);
    }
    return kept;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("decode session is closed");
    }
  }
}
