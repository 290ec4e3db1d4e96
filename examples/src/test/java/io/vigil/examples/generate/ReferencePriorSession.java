package io.vigil.examples.generate;

import io.vigil.llm.spi.DecodeSession;
import java.util.Map;

/**
 * A decode session with a fixed logit bias added to another's logits (what OpenAI-style servers
 * call {@code logit_bias}). A random-weight model has no idea that strings end or turns end; this
 * gives it the priors a trained model has, so that its calls finish within the token limit.
 */
final class ReferencePriorSession implements DecodeSession {
  private final DecodeSession inner;
  private final int[] tokens;
  private final float[] biases;

  ReferencePriorSession(DecodeSession inner, Map<Integer, Float> bias) {
    this.inner = inner;
    this.tokens = new int[bias.size()];
    this.biases = new float[bias.size()];
    int i = 0;
    for (Map.Entry<Integer, Float> entry : bias.entrySet()) {
      tokens[i] = entry.getKey();
      biases[i++] = entry.getValue();
    }
  }

  @Override
  public int length() {
    return inner.length();
  }

  @Override
  public float[] append(int... ids) {
    float[] logits = inner.append(ids);
    for (int i = 0; i < tokens.length; i++) {
      logits[tokens[i]] += biases[i];
    }
    return logits;
  }

  @Override
  public void rewind(int length) {
    inner.rewind(length);
  }

  @Override
  public void close() {
    inner.close();
  }
}
