package io.vigil.solver.value;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The fields of a JSON object (or a call's arguments), immutable and in insertion order, held in
 * two arrays instead of a hash map: a session keeps thousands of small objects, and a
 * LinkedHashMap costs about five times the memory. The key array is a {@link Shape} shared by
 * objects with the same keys. Small objects are searched linearly, larger ones through a hash
 * table of slots.
 */
public final class Fields extends AbstractMap<String, Value> {
  private static final Fields EMPTY = new Fields(Shape.of(new String[0]), new Value[0]);

  private final Shape shape;
  private final Value[] values;

  private Fields(Shape shape, Value[] values) {
    this.shape = shape;
    this.values = values;
  }

  /** The fields of {@code map} in its iteration order; the same instance when it already is one. */
  public static Fields copyOf(Map<String, ? extends Value> map) {
    if (map instanceof Fields f) {
      return f;
    }
    if (map.isEmpty()) {
      return EMPTY;
    }
    String[] keys = new String[map.size()];
    Value[] values = new Value[keys.length];
    int i = 0;
    for (Map.Entry<String, ? extends Value> e : map.entrySet()) {
      keys[i] = Objects.requireNonNull(e.getKey(), "key");
      values[i] = Objects.requireNonNull(e.getValue(), "value");
      i++;
    }
    return new Fields(Shape.of(keys), values);
  }

  /** Fields from parallel arrays (keys distinct); the arrays are taken over, not copied. */
  static Fields of(String[] keys, Value[] values) {
    return keys.length == 0 ? EMPTY : new Fields(Shape.of(keys), values);
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean isEmpty() {
    return values.length == 0;
  }

  @Override
  public Value get(Object key) {
    int i = key instanceof String s ? shape.indexOf(s) : -1;
    return i < 0 ? null : values[i];
  }

  @Override
  public Value getOrDefault(Object key, Value fallback) {
    int i = key instanceof String s ? shape.indexOf(s) : -1;
    return i < 0 ? fallback : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String s && shape.indexOf(s) >= 0;
  }

  /** The i-th key and value, in insertion order. */
  public String keyAt(int i) {
    return shape.keys[i];
  }

  public Value valueAt(int i) {
    return values[i];
  }

  @Override
  public Set<Map.Entry<String, Value>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Map.Entry<String, Value>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, Value> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(shape.keys[i], values[i]);
          }
        };
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o instanceof Fields f) {
      if (f.values.length != values.length) {
        return false;
      }
      for (int i = 0; i < values.length; i++) {
        int j = f.shape == shape ? i : f.shape.indexOf(shape.keys[i]);
        if (j < 0 || !values[i].equals(f.values[j])) {
          return false;
        }
      }
      return true;
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < values.length; i++) {
      h += shape.keys[i].hashCode() ^ values[i].hashCode();
    }
    return h;
  }

  /**
   * An ordered key array, with a slot table when it is long. Shapes are shared through a bounded
   * table: objects of one kind (orders, items, addresses) have the same keys, while objects keyed
   * by ids (a user's payment methods) would fill it, so past its bound new shapes are not kept.
   */
  static final class Shape {
    private static final int LINEAR = 8;
    private static final int MAX_SHARED = 1 << 14;
    private static final java.util.concurrent.ConcurrentHashMap<Shape, Shape> SHARED =
        new java.util.concurrent.ConcurrentHashMap<>();

    final String[] keys;
    private final int hash;
    /** Open addressing, for more than LINEAR keys: slot -> key index + 1 (0: empty). */
    private final int[] slots;

    private Shape(String[] keys) {
      this.keys = keys;
      this.hash = Arrays.hashCode(keys);
      this.slots = keys.length > LINEAR ? table(keys) : null;
    }

    static Shape of(String[] keys) {
      Shape shape = new Shape(keys);
      if (shape.slots != null) {
        return shape; // long key lists are rarely repeated
      }
      Shape shared = SHARED.get(shape);
      if (shared != null) {
        return shared;
      }
      if (SHARED.size() < MAX_SHARED) {
        for (int i = 0; i < keys.length; i++) {
          keys[i] = keys[i].intern();
        }
        shared = SHARED.putIfAbsent(shape, shape);
        return shared == null ? shape : shared;
      }
      return shape;
    }

    private static int[] table(String[] keys) {
      int[] slots = new int[Integer.highestOneBit(keys.length * 2 - 1) << 1];
      int mask = slots.length - 1;
      for (int i = 0; i < keys.length; i++) {
        int s = spread(keys[i].hashCode()) & mask;
        while (slots[s] != 0) {
          if (keys[slots[s] - 1].equals(keys[i])) {
            throw new IllegalArgumentException("duplicate key " + keys[i]);
          }
          s = (s + 1) & mask;
        }
        slots[s] = i + 1;
      }
      return slots;
    }

    private static int spread(int h) {
      return h ^ (h >>> 16);
    }

    int indexOf(String key) {
      if (slots == null) {
        for (int i = 0; i < keys.length; i++) {
          if (keys[i] == key) {
            return i;
          }
        }
        for (int i = 0; i < keys.length; i++) {
          if (keys[i].equals(key)) {
            return i;
          }
        }
        return -1;
      }
      int mask = slots.length - 1;
      for (int s = spread(key.hashCode()) & mask; slots[s] != 0; s = (s + 1) & mask) {
        if (keys[slots[s] - 1].equals(key)) {
          return slots[s] - 1;
        }
      }
      return -1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && s.hash == hash && Arrays.equals(s.keys, keys);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
