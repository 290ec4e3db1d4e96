package io.vigil.llm.reference;

import java.util.Arrays;

/** One layer's keys and values, a row of {@code kvDim} floats per position; truncation is O(1). */
final class KvCache {
  private final int rowSize;
  private float[] keys;
  private float[] values;
  private int length;

  KvCache(int rowSize) {
    this.rowSize = rowSize;
    this.keys = new float[16 * rowSize];
    this.values = new float[16 * rowSize];
  }

  /** An independent copy of the first {@code length} positions. */
  KvCache copy() {
    KvCache copy = new KvCache(rowSize);
    copy.append(keys, values, length);
    return copy;
  }

  int length() {
    return length;
  }

  float[] keys() {
    return keys;
  }

  float[] values() {
    return values;
  }

  /** Appends {@code count} rows taken from the start of {@code newKeys} and {@code newValues}. */
  void append(float[] newKeys, float[] newValues, int count) {
    int needed = (length + count) * rowSize;
    if (needed > keys.length) {
      int capacity = Math.max(needed, keys.length * 2);
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    System.arraycopy(newKeys, 0, keys, length * rowSize, count * rowSize);
    System.arraycopy(newValues, 0, values, length * rowSize, count * rowSize);
    length += count;
  }

  void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
    }
    length = newLength;
  }
}
