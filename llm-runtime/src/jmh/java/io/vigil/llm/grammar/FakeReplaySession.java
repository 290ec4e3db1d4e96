package io.vigil.llm.grammar;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.TokenizerView;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fake model for benchmarks (no weights run here): its logits favour, longest first, the tokens
 * that continue a target text (a call between {@code <tool_call>} and {@code </tool_call>}, then the
 * end of the turn), so the decoder walks a realistic path. Its own time is measured and left out
 * of the decoder's overhead.
 */
final class FakeReplaySession implements DecodeSession {
  private final TokenizerView tokenizer;
  private final int promptLength;
  private final byte[] target;
  private final byte[][] bytes;
  private int[] tokens = new int[4096];
  private int length;
  long nanos;

  FakeReplaySession(TokenizerView tokenizer, int promptLength, String call) {
    this.tokenizer = tokenizer;
    this.promptLength = promptLength;
    this.target = call.getBytes(StandardCharsets.UTF_8);
    this.bytes = new byte[tokenizer.vocabSize()][];
    for (int id = 0; id < bytes.length; id++) {
      bytes[id] = tokenizer.tokenBytes(id);
    }
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public float[] append(int... ids) {
    long t0 = System.nanoTime();
    for (int id : ids) {
      if (length == tokens.length) {
        tokens = Arrays.copyOf(tokens, length * 2);
      }
      tokens[length++] = id;
    }
    float[] logits = logits();
    nanos += System.nanoTime() - t0;
    return logits;
  }

  private float[] logits() {
    float[] logits = new float[bytes.length];
    Arrays.fill(logits, -10f);
    int open = tokenizer.specials().toolCallOpen();
    int close = tokenizer.specials().toolCallClose();
    int end = tokenizer.specials().endOfTurn();
    int generated = length - promptLength;
    if (generated == 0) {
      logits[open] = 50f;
      return logits;
    }
    int at = 0;
    boolean closed = false;
    for (int i = promptLength + 1; i < length; i++) {
      if (tokens[i] == close) {
        closed = true;
      } else {
        at += bytes[tokens[i]].length;
      }
    }
    if (closed) {
      logits[end] = 50f;
      return logits;
    }
    if (at >= target.length) {
      logits[close] = 50f;
      return logits;
    }
    for (int id = 0; id < bytes.length; id++) {
      byte[] b = bytes[id];
      if (b.length > 0 && at + b.length <= target.length && Arrays.equals(b, 0, b.length, target, at, at + b.length)) {
        logits[id] = 10f + b.length;
      }
    }
    return logits;
  }

  @Override
  public void rewind(int to) {
    long t0 = System.nanoTime();
    length = to;
    nanos += System.nanoTime() - t0;
  }

  @Override
  public void close() {}
}
