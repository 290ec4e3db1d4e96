package io.vigil.llm.decode;

import io.vigil.llm.spi.DecodeSession;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A local model driven one token at a time: keeps the logits after the last token, samples the next
 * token among the allowed ones ({@link TokenSampler}) and appends it. Rewinding to length L drops the
 * KV cache to L - 1 and re-appends token L - 1, which restores the logits for position L.
 */
public final class LogitsStepModel implements StepModel {
  private final DecodeSession session;
  private int[] tokens = new int[256];
  private int length;
  private float[] logits;

  public LogitsStepModel(DecodeSession session) {
    this.session = session;
    this.length = session.length();
    if (length > 0) {
      throw new IllegalArgumentException("the decode session must start empty, it holds " + length + " tokens");
    }
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public void append(int... ids) {
    if (ids.length == 0) {
      return;
    }
    logits = session.append(ids);
    if (length + ids.length > tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + ids.length));
    }
    System.arraycopy(ids, 0, tokens, length, ids.length);
    length += ids.length;
  }

  @Override
  public void rewind(int to) {
    if (to < 1 || to > length) {
      throw new IllegalArgumentException("cannot rewind to " + to + " with " + length + " tokens");
    }
    if (to == length) {
      return;
    }
    session.rewind(to - 1);
    logits = session.append(tokens[to - 1]);
    length = to;
  }

  @Override
  public int next(BitSet allowed, SamplingOptions sampling, int step) {
    if (logits == null) {
      throw new IllegalStateException("no logits yet: append the prompt first");
    }
    int id = TokenSampler.sample(logits, allowed, sampling, step);
    append(id);
    return id;
  }

  /** The logits for the next position (for tests and diagnostics). */
  public float[] logits() {
    return logits == null ? null : logits.clone();
  }

  @Override
  public void close() {
    session.close();
  }
}
