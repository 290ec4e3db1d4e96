package io.vigil.solver.monitor;

import java.util.Arrays;

/** A growable list of ascending history positions, searched by binary search. */
final class IntList {
  private int[] items;
  private int size;

  IntList(int capacity) {
    items = new int[Math.max(1, capacity)];
  }

  IntList() {
    this(2);
  }

  void add(int position) {
    if (size > 0 && items[size - 1] == position) {
      return; // positions arrive in order; a repeat (a list holding a value twice) is kept once
    }
    if (size == items.length) {
      items = Arrays.copyOf(items, size + Math.max(2, size >> 1));
    }
    items[size++] = position;
  }

  int size() {
    return size;
  }

  int get(int i) {
    return items[i];
  }

  /** The number of elements below {@code position} (the index of the first one at or above it). */
  int lowerBound(int position) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (items[mid] < position) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
