package io.vigil.llm.onnx;

import ai.onnxruntime.OnnxTensor;
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
 * One sequence run through ONNX Runtime. The past keys and values live in native buffers owned
 * here ({@link PastBuffer}, laid out {@code [kv_heads][length][head_dim]} as the model's
 * {@code [1, kv_heads, length, head_dim]} tensors): a run reads them in place and writes its
 * {@code present} outputs and logits into buffers of this session (pinned outputs), so nothing is
 * copied per run but the logits handed back. A rewind compacts the past. Not thread-safe.
 */
final class OnnxDecodeSession implements DecodeSession {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final OnnxSignature signature;
  private final int maxTokensPerRun;
  private final PromptCache promptCache;
  private PastBuffer[] keys;
  private PastBuffer[] values;
  private LongBuffer ids = NativeBuffers.longs(64);
  private LongBuffer positions = NativeBuffers.longs(64);
  private LongBuffer mask = NativeBuffers.longs(0);
  /** Logits of runs, reused (a run of n tokens returns n rows of vocabSize). */
  private FloatBuffer runLogits;
  private int length;
  private boolean closed;

  OnnxDecodeSession(OrtEnvironment environment, OrtSession session, OnnxSignature signature, int maxTokensPerRun,
      PromptCache promptCache) {
    this.environment = environment;
    this.session = session;
    this.signature = signature;
    this.maxTokensPerRun = maxTokensPerRun;
    this.promptCache = promptCache;
    this.keys = new PastBuffer[signature.layers()];
    this.values = new PastBuffer[signature.layers()];
    for (int layer = 0; layer < signature.layers(); layer++) {
      keys[layer] = new PastBuffer();
      values[layer] = new PastBuffer();
    }
    this.runLogits = NativeBuffers.floats(signature.vocabSize());
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
        for (int layer = 0; layer < signature.layers(); layer++) {
          keys[layer].load(cached.keys()[layer]);
          values[layer].load(cached.values()[layer]);
        }
        length = tokens.length;
        return cached.logits().clone();
      }
    }
    int before = length;
    float[] logits = null;
    try {
      for (int from = 0; from < tokens.length; from += maxTokensPerRun) {
        logits = run(Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + maxTokensPerRun)));
      }
    } catch (RuntimeException e) {
      // an append is all or nothing: forget the runs of it that went through
      rewind(before);
      throw e;
    }
    if (prompt) {
      int size = pastSize(length);
      float[][] keyCopies = new float[signature.layers()][];
      float[][] valueCopies = new float[signature.layers()][];
      for (int layer = 0; layer < signature.layers(); layer++) {
        keyCopies[layer] = keys[layer].copy(size);
        valueCopies[layer] = values[layer].copy(size);
      }
      promptCache.store(tokens, keyCopies, valueCopies, logits);
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
      keys[layer].truncate(signature.kvHeads(), length, newLength, signature.headDim());
      values[layer].truncate(signature.kvHeads(), length, newLength, signature.headDim());
    }
    length = newLength;
  }

  @Override
  public void close() {
    closed = true;
    keys = null;
    values = null;
    runLogits = null;
  }

  private int pastSize(int positions) {
    return signature.kvHeads() * positions * signature.headDim();
  }

  /** One run of {@code tokens} after the past; the state changes only once the run has succeeded. */
  private float[] run(int[] tokens) {
    int n = tokens.length;
    int total = length + n;
    int vocab = signature.vocabSize();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    Map<String, OnnxTensor> outputs = new HashMap<>();
    try {
      if (ids.capacity() < n) {
        ids = NativeBuffers.longs(NativeBuffers.grow(ids.capacity(), n));
        positions = NativeBuffers.longs(ids.capacity());
      }
      for (int i = 0; i < n; i++) {
        ids.put(i, tokens[i]);
        positions.put(i, length + i);
      }
      long[] rowShape = {1, n};
      inputs.put(OnnxSignature.INPUT_IDS, OnnxTensor.createTensor(environment, NativeBuffers.prefix(ids, n), rowShape));
      if (signature.attentionMask()) {
        if (mask.capacity() < total) {
          mask = NativeBuffers.longs(NativeBuffers.grow(mask.capacity(), total));
          for (int i = 0; i < mask.capacity(); i++) {
            mask.put(i, 1L);
          }
        }
        inputs.put(OnnxSignature.ATTENTION_MASK, OnnxTensor.createTensor(environment, NativeBuffers.prefix(mask, total), new long[] {1, total}));
      }
      if (signature.positionIds()) {
        inputs.put(OnnxSignature.POSITION_IDS, OnnxTensor.createTensor(environment, NativeBuffers.prefix(positions, n), rowShape));
      }
      if (signature.useCacheBranch()) {
        inputs.put(OnnxSignature.USE_CACHE_BRANCH, OnnxTensor.createTensor(environment, new boolean[] {length > 0}));
      }
      long[] pastShape = {1, signature.kvHeads(), length, signature.headDim()};
      long[] presentShape = {1, signature.kvHeads(), total, signature.headDim()};
      for (int layer = 0; layer < signature.layers(); layer++) {
        inputs.put(OnnxSignature.past(layer, "key"), OnnxTensor.createTensor(environment, keys[layer].past(pastSize(length)), pastShape));
        inputs.put(OnnxSignature.past(layer, "value"), OnnxTensor.createTensor(environment, values[layer].past(pastSize(length)), pastShape));
        outputs.put(OnnxSignature.present(layer, "key"), OnnxTensor.createTensor(environment, keys[layer].present(pastSize(total)), presentShape));
        outputs.put(OnnxSignature.present(layer, "value"), OnnxTensor.createTensor(environment, values[layer].present(pastSize(total)), presentShape));
      }
      if (runLogits.capacity() < n * vocab) {
        runLogits = NativeBuffers.floats(n * vocab);
      }
      FloatBuffer logits = NativeBuffers.prefix(runLogits, n * vocab);
      outputs.put(OnnxSignature.LOGITS, OnnxTensor.createTensor(environment, logits, new long[] {1, n, vocab}));
      session.run(inputs, outputs).close();
      float[] last = new float[vocab];
      logits.clear().position((n - 1) * vocab);
      logits.get(last);
      for (int layer = 0; layer < signature.layers(); layer++) {
        keys[layer].swap();
        values[layer].swap();
      }
      length = total;
      return last;
    } catch (OrtException e) {
      throw new OnnxBackendException("ONNX Runtime failed on a run of " + n + " tokens after " + length + ": " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
      outputs.values().forEach(OnnxTensor::close);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("decode session is closed");
    }
  }
}
