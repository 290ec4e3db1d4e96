package io.vigil.llm.reference;

/**
 * IEEE half precision (F16) and bfloat16 conversions, written out because Java 17 has neither
 * ({@code Float.float16ToFloat} arrived in 20). Narrowing rounds to nearest, ties to even.
 */
public final class HalfFloats {
  private HalfFloats() {}

  public static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0) {
      // zero or subnormal: mantissa * 2^-24, exact in float
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  public static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      // infinity stays infinity; NaN stays a (quiet) NaN
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign;
      }
      int significand = mantissa | 0x800000;
      return (short) (sign | roundShift(significand, 14 - halfExponent));
    }
    // a carry out of the mantissa correctly bumps the exponent (up to infinity)
    return (short) (sign | ((halfExponent << 10) + roundShift(mantissa, 13)));
  }

  public static float bfloat16ToFloat(short value) {
    return Float.intBitsToFloat((value & 0xffff) << 16);
  }

  public static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int tieToEven = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + tieToEven) >>> 16);
  }

  /** {@code value >> shift}, rounded to nearest with ties to even. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rest > half || (rest == half && (kept & 1) != 0)) {
      kept++;
    }
    return kept;
  }
}
