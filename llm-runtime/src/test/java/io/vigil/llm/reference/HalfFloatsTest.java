package io.vigil.llm.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {
  @Test
  void halfBitPatternsDecodeToTheirValues() {
    assertEquals(1.0f, HalfFloats.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, HalfFloats.halfToFloat((short) 0xc000));
    assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
    assertEquals(0x1p-14f, HalfFloats.halfToFloat((short) 0x0400));
    assertEquals(Float.POSITIVE_INFINITY, HalfFloats.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7e00)));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000)));
  }

  @Test
  void everyHalfSurvivesARoundTripThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = HalfFloats.halfToFloat((short) bits);
      if (Float.isNaN(value)) {
        assertTrue(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(value))));
        continue;
      }
      assertEquals(bits, HalfFloats.floatToHalf(value) & 0xffff, "half 0x" + Integer.toHexString(bits));
    }
  }

  @Test
  void narrowingToHalfRoundsToNearestAndTiesToEven() {
    float ulpAtOne = 0x1p-10f;
    assertEquals(0x3c00, HalfFloats.floatToHalf(1f + ulpAtOne / 2) & 0xffff, "tie goes to the even 1.0");
    assertEquals(0x3c02, HalfFloats.floatToHalf(1f + 3 * ulpAtOne / 2) & 0xffff, "tie goes to the even 0x3c02");
    assertEquals(0x3c01, HalfFloats.floatToHalf(1f + ulpAtOne * 0.51f) & 0xffff);
    assertEquals(0x7c00, HalfFloats.floatToHalf(70000f) & 0xffff, "overflow is infinity");
    assertEquals(0x0001, HalfFloats.floatToHalf(0x1p-24f * 0.75f) & 0xffff, "rounds up to the smallest subnormal");
    assertEquals(0x0000, HalfFloats.floatToHalf(0x1p-26f) & 0xffff, "underflow is zero");
    assertEquals(0x0400, HalfFloats.floatToHalf(0x1p-14f * (1 - 0x1p-12f)) & 0xffff, "carries into the smallest normal");
  }

  @Test
  void bfloat16KeepsTheUpperHalfRoundedToNearestEven() {
    assertEquals(1.0f, HalfFloats.bfloat16ToFloat((short) 0x3f80));
    assertEquals(0x3f80, HalfFloats.floatToBfloat16(1f + 0x1p-8f) & 0xffff, "tie goes to the even 1.0");
    assertEquals(0x3f82, HalfFloats.floatToBfloat16(1f + 3 * 0x1p-8f) & 0xffff, "tie goes to the even 0x3f82");
    assertEquals(0x3f81, HalfFloats.floatToBfloat16(1f + 0x1p-7f) & 0xffff);
    assertTrue(Float.isNaN(HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(Float.NaN))));
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = HalfFloats.bfloat16ToFloat((short) bits);
      if (!Float.isNaN(value)) {
        assertEquals(bits, HalfFloats.floatToBfloat16(value) & 0xffff);
      }
    }
  }
}
