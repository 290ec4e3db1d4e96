package io.vigil.llm.testing;

import io.vigil.llm.spi.TokenizerView;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Ordinary tokens by the bytes they stand for, so that "which tokens are a prefix of this text?"
 * takes one lookup per prefix length instead of a scan of the vocabulary. Built once per tokenizer
 * (about 200k entries for o200k) and shared by every adversarial session over it.
 */
public final class TokenBytesIndex {
  private final TokenizerView tokenizer;
  private final Map<ByteBuffer, Integer> byBytes;
  private final int longest;
  private final int[] closers;

  public TokenBytesIndex(TokenizerView tokenizer) {
    this.tokenizer = tokenizer;
    this.byBytes = new HashMap<>(tokenizer.vocabSize() * 2);
    int max = 0;
    java.util.List<Integer> closing = new java.util.ArrayList<>();
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      byte[] bytes = tokenizer.tokenBytes(id);
      if (bytes.length > 0 && !tokenizer.isSpecial(id)) {
        byBytes.putIfAbsent(ByteBuffer.wrap(bytes), id);
        max = Math.max(max, bytes.length);
        if (bytes[0] == '"') {
          closing.add(id);
        }
      }
    }
    this.longest = max;
    this.closers = closing.stream().mapToInt(Integer::intValue).toArray();
  }

  public TokenizerView tokenizer() {
    return tokenizer;
  }

  /** The longest byte string of any ordinary token. */
  public int longest() {
    return longest;
  }

  /** Ordinary tokens that start with a double quote: inside a JSON string, those close it. */
  public int[] stringClosers() {
    return closers.clone();
  }

  int[] stringClosersShared() {
    return closers;
  }

  /** The ordinary token whose bytes are exactly {@code bytes[from, from + length)}, or -1. */
  public int token(byte[] bytes, int from, int length) {
    Integer id = byBytes.get(ByteBuffer.wrap(bytes, from, length));
    return id == null ? -1 : id;
  }
}
