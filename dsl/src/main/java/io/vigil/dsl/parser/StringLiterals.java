package io.vigil.dsl.parser;

import java.util.ArrayList;
import java.util.List;

/** Decodes the escapes of string and regex tokens. */
final class StringLiterals {
  private StringLiterals() {}

  /**
   * The decoded content of a string token. {@code offsets[k]} is where character {@code k} of
   * {@code text} starts in the token (the opening quote is offset 0); {@code offsets[text.length()]}
   * is the offset of the closing quote. {@code badEscapes} are token offsets of unknown escapes.
   */
  record Decoded(String text, int[] offsets, List<Integer> badEscapes) {}

  static Decoded unquote(String token) {
    StringBuilder out = new StringBuilder();
    int[] offsets = new int[token.length() + 1];
    List<Integer> bad = new ArrayList<>();
    int end = token.length() - 1;
    int i = 1;
    while (i < end) {
      offsets[out.length()] = i;
      char c = token.charAt(i);
      if (c != '\\' || i + 1 >= end) {
        out.append(c);
        i++;
        continue;
      }
      char next = token.charAt(i + 1);
      switch (next) {
        case '"', '\\', '/' -> out.append(next);
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        default -> {
          bad.add(i);
          out.append(c).append(next);
          offsets[out.length() - 1] = i + 1;
        }
      }
      i += 2;
    }
    offsets[out.length()] = end;
    int[] trimmed = new int[out.length() + 1];
    System.arraycopy(offsets, 0, trimmed, 0, trimmed.length);
    return new Decoded(out.toString(), trimmed, bad);
  }

  /** A regex body between its slashes: {@code \/} becomes {@code /}, other escapes stay. */
  static String regexBody(String body) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char next = body.charAt(i + 1);
        if (next != '/') {
          out.append(c);
        }
        out.append(next);
        i++;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
