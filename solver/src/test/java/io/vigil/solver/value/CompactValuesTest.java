package io.vigil.solver.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Fields} and {@link ValueList} behave as the ordered map and list they replace. */
class CompactValuesTest {
  @Test
  void fieldsAgreeWithALinkedHashMapAtEverySize() {
    Random random = new Random(3);
    for (int size = 0; size < 40; size++) {
      Map<String, Value> reference = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        reference.put("k" + random.nextInt(1000) + "_" + i, Value.of(random.nextInt(5)));
      }
      Fields fields = Fields.copyOf(reference);
      assertEquals(reference, fields);
      assertEquals(fields, reference);
      assertEquals(reference.hashCode(), fields.hashCode());
      assertEquals(new ArrayList<>(reference.keySet()), new ArrayList<>(fields.keySet()), "insertion order");
      for (String key : reference.keySet()) {
        assertEquals(reference.get(key), fields.get(new String(key.toCharArray())), "lookup by an equal, not identical, key");
        assertTrue(fields.containsKey(key));
      }
      assertNull(fields.get("missing"));
      assertFalse(fields.containsKey("missing"));
      assertEquals(Value.ABSENT, fields.getOrDefault("missing", Value.ABSENT));
      assertSame(fields, Fields.copyOf(fields));
    }
  }

  @Test
  void objectsWithTheSameKeysInAnotherOrderAreEqual() {
    Map<String, Value> a = new LinkedHashMap<>();
    a.put("x", Value.of(1));
    a.put("y", Value.of("two"));
    Map<String, Value> b = new LinkedHashMap<>();
    b.put("y", Value.of("two"));
    b.put("x", Value.of(1));
    assertEquals(new Value.Obj(a), new Value.Obj(b));
    assertEquals(new Value.Obj(a).hashCode(), new Value.Obj(b).hashCode());
    b.put("x", Value.of(2));
    assertFalse(new Value.Obj(a).equals(new Value.Obj(b)));
  }

  @Test
  void fieldsAreImmutable() {
    Fields fields = Fields.copyOf(Map.of("a", Value.of(1)));
    assertThrows(UnsupportedOperationException.class, () -> fields.put("b", Value.of(2)));
    assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().iterator().next().setValue(Value.NULL));
  }

  @Test
  void membershipInLongAndShortListsMatchesAScan() {
    Random random = new Random(5);
    for (int size : new int[] {0, 1, 5, ValueList.HASHED_FROM - 1, ValueList.HASHED_FROM, 100, 2500}) {
      List<Value> reference = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        reference.add(random.nextBoolean() ? Value.of("#W" + random.nextInt(5000)) : Value.of(random.nextInt(5000)));
      }
      Value.ListVal list = new Value.ListVal(reference);
      for (int probe = 0; probe < 200; probe++) {
        Value v = random.nextBoolean() ? Value.of("#W" + random.nextInt(5000)) : Value.of(random.nextInt(5000));
        assertEquals(reference.contains(v), list.elements().contains(v), "size " + size + ", " + v);
      }
      assertEquals(reference, list.elements());
      assertEquals(reference.hashCode(), list.elements().hashCode());
      assertFalse(list.elements().contains(Value.ABSENT));
    }
  }

  @Test
  void numbersAreEqualWhateverTheirScaleInsideLongLists() {
    List<Value> numbers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      numbers.add(Value.of(new java.math.BigDecimal(i + ".00")));
    }
    assertTrue(new Value.ListVal(numbers).elements().contains(Value.of(7)));
  }
}
