package io.vigil.llm.grammar;

/**
 * Well-formed UTF-8 as a byte-level state machine (no overlong forms, no surrogates, nothing past
 * U+10FFFF), so a token may end inside a multi-byte character and the next one finish it.
 */
final class Utf8 {
  static final int BOUNDARY = 0;
  static final int NEED1 = 1;
  static final int NEED2 = 2;
  static final int NEED3 = 3;
  static final int AFTER_E0 = 4;
  static final int AFTER_ED = 5;
  static final int AFTER_F0 = 6;
  static final int AFTER_F4 = 7;

  private Utf8() {}

  /** The next substate after byte {@code b}, or -1. ASCII is accepted here; callers exclude what they forbid. */
  static int step(int sub, int b) {
    switch (sub) {
      case BOUNDARY:
        if (b < 0x80) {
          return BOUNDARY;
        }
        if (b >= 0xC2 && b <= 0xDF) {
          return NEED1;
        }
        if (b == 0xE0) {
          return AFTER_E0;
        }
        if (b == 0xED) {
          return AFTER_ED;
        }
        if (b >= 0xE1 && b <= 0xEF) {
          return NEED2;
        }
        if (b == 0xF0) {
          return AFTER_F0;
        }
        if (b >= 0xF1 && b <= 0xF3) {
          return NEED3;
        }
        if (b == 0xF4) {
          return AFTER_F4;
        }
        return -1;
      case NEED1:
        return continuation(b, 0x80, 0xBF, BOUNDARY);
      case NEED2:
        return continuation(b, 0x80, 0xBF, NEED1);
      case NEED3:
        return continuation(b, 0x80, 0xBF, NEED2);
      case AFTER_E0:
        return continuation(b, 0xA0, 0xBF, NEED1);
      case AFTER_ED:
        return continuation(b, 0x80, 0x9F, NEED1);
      case AFTER_F0:
        return continuation(b, 0x90, 0xBF, NEED2);
      case AFTER_F4:
        return continuation(b, 0x80, 0x8F, NEED2);
      default:
        return -1;
    }
  }

  private static int continuation(int b, int lo, int hi, int next) {
    return b >= lo && b <= hi ? next : -1;
  }

  /** Length of the longest prefix of {@code bytes} that ends on a character boundary. */
  static int completePrefix(byte[] bytes, int length) {
    int sub = BOUNDARY;
    int lastBoundary = 0;
    for (int i = 0; i < length; i++) {
      sub = step(sub, bytes[i] & 0xFF);
      if (sub < 0) {
        return lastBoundary;
      }
      if (sub == BOUNDARY) {
        lastBoundary = i + 1;
      }
    }
    return lastBoundary;
  }
}
