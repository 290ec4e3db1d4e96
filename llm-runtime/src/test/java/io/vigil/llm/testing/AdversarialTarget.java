package io.vigil.llm.testing;

import io.vigil.llm.spi.TokenizerView;
import java.util.ArrayList;
import java.util.List;

/**
 * The text an adversarial model pushes for, as a sequence of symbols (a byte 0..255 of ordinary
 * text, or 256 + id for a special token such as {@code <tool_call>}), with the failure function of
 * its prefix automaton: after any token sequence, the automaton's state is the length of the
 * longest suffix of the decoded symbols that is a prefix of the target, so the adversary resumes
 * its attack wherever the decoded text leaves off, also after the decoder steered it elsewhere.
 */
public final class AdversarialTarget {
  static final int SPECIAL_BASE = 256;

  private final TokenBytesIndex index;
  private final String text;
  private final int[] symbols;
  private final int[] failure;
  /** The ordinary bytes of the target ({@code 0} where a special token stands). */
  private final byte[] plain;
  /** For each position, the first position at or after it that holds a special token (or the end). */
  private final int[] runEnd;

  private AdversarialTarget(TokenBytesIndex index, String text, int[] symbols) {
    if (symbols.length == 0) {
      throw new IllegalArgumentException("the adversarial target is empty");
    }
    this.index = index;
    this.text = text;
    this.symbols = symbols;
    this.failure = failure(symbols);
    this.plain = new byte[symbols.length];
    this.runEnd = new int[symbols.length + 1];
    runEnd[symbols.length] = symbols.length;
    for (int i = symbols.length - 1; i >= 0; i--) {
      plain[i] = symbols[i] < SPECIAL_BASE ? (byte) symbols[i] : 0;
      runEnd[i] = symbols[i] < SPECIAL_BASE ? runEnd[i + 1] : i;
    }
  }

  /** {@code text} as the tokenizer encodes it: spelled-out special-token names become those tokens. */
  public static AdversarialTarget of(TokenBytesIndex index, String text) {
    TokenizerView tokenizer = index.tokenizer();
    List<Integer> out = new ArrayList<>();
    for (int id : tokenizer.encode(text)) {
      appendSymbols(tokenizer, id, out);
    }
    return new AdversarialTarget(index, text, out.stream().mapToInt(Integer::intValue).toArray());
  }

  public String text() {
    return text;
  }

  public TokenBytesIndex index() {
    return index;
  }

  int length() {
    return symbols.length;
  }

  static void appendSymbols(TokenizerView tokenizer, int token, List<Integer> out) {
    if (tokenizer.isSpecial(token)) {
      out.add(SPECIAL_BASE + token);
    } else {
      for (byte b : tokenizer.tokenBytes(token)) {
        out.add(b & 0xff);
      }
    }
  }

  /** The automaton's state after {@code token}, from {@code state}. */
  int advance(int state, int token) {
    TokenizerView tokenizer = index.tokenizer();
    if (tokenizer.isSpecial(token)) {
      return step(state, SPECIAL_BASE + token);
    }
    for (byte b : tokenizer.tokenBytes(token)) {
      state = step(state, b & 0xff);
    }
    return state;
  }

  private int step(int state, int symbol) {
    if (state == symbols.length) {
      state = failure[state - 1];
    }
    while (state > 0 && symbols[state] != symbol) {
      state = failure[state - 1];
    }
    return symbols[state] == symbol ? state + 1 : 0;
  }

  /**
   * Adds the bias toward continuing the target from {@code state} to {@code logits}: the special
   * token the target continues with, or every ordinary token whose bytes are a prefix of what
   * remains of it (more for longer ones). A complete target is pushed for again from where the
   * automaton falls back to.
   */
  void addBias(int state, float[] logits, float base, float perByte) {
    if (state == symbols.length) {
      state = failure[state - 1];
    }
    if (symbols[state] >= SPECIAL_BASE) {
      logits[symbols[state] - SPECIAL_BASE] += base + perByte;
      return;
    }
    int run = Math.min(index.longest(), runEnd[state] - state);
    for (int k = 1; k <= run; k++) {
      int token = index.token(plain, state, k);
      if (token >= 0) {
        logits[token] += base + perByte * k;
      }
    }
  }

  private static int[] failure(int[] pattern) {
    int[] f = new int[pattern.length];
    int k = 0;
    for (int i = 1; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = f[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      f[i] = k;
    }
    return f;
  }
}
