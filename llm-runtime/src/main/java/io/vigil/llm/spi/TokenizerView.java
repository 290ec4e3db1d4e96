package io.vigil.llm.spi;

/**
 * What the decoder needs of a tokenizer: every token as the bytes it stands for (to walk the tool-call
 * grammar over a trie of them), encode/decode, the special tokens that frame a turn and a tool call,
 * and the chat template that turns a conversation with tools into a prompt.
 */
public interface TokenizerView {
  /** Token ids run from 0 to {@code vocabSize() - 1}, special tokens included. */
  int vocabSize();

  /** The UTF-8 bytes the token stands for in text; empty for special tokens and unused ids. */
  byte[] tokenBytes(int id);

  boolean isSpecial(int id);

  /** Encodes text; the spelled-out names of special tokens (such as {@code <tool_call>}) become their ids. */
  int[] encode(String text);

  /** Encodes text as ordinary text only: special-token names are spelled out byte by byte. */
  int[] encodeOrdinary(String text);

  String decode(int[] ids);

  SpecialTokens specials();

  ChatTemplate chatTemplate();
}
