package io.vigil.llm.decode;

import io.vigil.llm.grammar.TokenTrie;
import io.vigil.llm.spi.TokenizerView;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Keeps plain text from spelling out the tool-call tag with ordinary tokens: a client that parses
 * {@code <tool_call>} out of the text would otherwise receive a call the policy never saw. Tracks how
 * much of the tag the text ends with (a KMP automaton) and masks the tokens that would complete it.
 */
final class SpelledTagGuard {
  private final byte[] tag;
  private final int[] fallback;
  private final TokenizerView tokenizer;
  private final BitSet ordinary;
  private final BitSet[] allowedByState;

  SpelledTagGuard(TokenizerView tokenizer, TokenTrie trie) {
    this.tokenizer = tokenizer;
    this.tag = tokenizer.decode(new int[] {tokenizer.specials().toolCallOpen()}).getBytes(StandardCharsets.UTF_8);
    this.ordinary = trie.ordinaryTokens();
    this.fallback = new int[tag.length + 1];
    for (int i = 1, k = 0; i < tag.length; i++) {
      while (k > 0 && tag[i] != tag[k]) {
        k = fallback[k];
      }
      if (tag[i] == tag[k]) {
        k++;
      }
      fallback[i + 1] = k;
    }
    this.allowedByState = new BitSet[tag.length];
  }

  /** The state after {@code bytes}: how many bytes of the tag the text now ends with; {@code tag.length} when spelled out. */
  int advance(int state, byte[] bytes) {
    int k = state;
    for (byte b : bytes) {
      if (k == tag.length) {
        return k;
      }
      while (k > 0 && tag[k] != b) {
        k = fallback[k];
      }
      if (tag[k] == b) {
        k++;
      }
    }
    return k;
  }

  /** The ordinary tokens that do not complete the tag from {@code state}. Shared: do not modify. */
  synchronized BitSet allowed(int state) {
    if (tag.length == 0) {
      return ordinary;
    }
    BitSet allowed = allowedByState[state];
    if (allowed == null) {
      allowed = (BitSet) ordinary.clone();
      for (int id = ordinary.nextSetBit(0); id >= 0; id = ordinary.nextSetBit(id + 1)) {
        if (advance(state, tokenizer.tokenBytes(id)) == tag.length) {
          allowed.clear(id);
        }
      }
      allowedByState[state] = allowed;
    }
    return allowed;
  }
}
