package io.vigil.llm.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogitsStepModelTest {
  @Test
  void rewindRestoresTheLogitsOfThatPosition() {
    try (LogitsStepModel model = new LogitsStepModel(new FakeRandomSession(50, 9, Map.of()))) {
      model.append(1, 2, 3);
      float[] atThree = model.logits();
      model.append(4);
      BitSet all = new BitSet();
      all.set(0, 50);
      model.next(all, new SamplingOptions(1, 1, 3, 10), 0);
      assertEquals(5, model.length());
      model.rewind(3);
      assertEquals(3, model.length());
      assertArrayEquals(atThree, model.logits());
      assertThrows(IllegalArgumentException.class, () -> model.rewind(0));
      assertThrows(IllegalArgumentException.class, () -> model.rewind(4));
    }
  }

  @Test
  void nextSamplesWithinTheMaskAndAppends() {
    try (LogitsStepModel model = new LogitsStepModel(new FakeRandomSession(50, 9, Map.of()))) {
      model.append(7);
      BitSet allowed = new BitSet();
      allowed.set(11);
      allowed.set(42);
      int token = model.next(allowed, new SamplingOptions(0.7, 1, 3, 10), 0);
      assertEquals(2, model.length());
      assertEquals(true, allowed.get(token));
    }
  }
}
