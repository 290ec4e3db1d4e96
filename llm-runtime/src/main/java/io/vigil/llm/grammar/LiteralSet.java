package io.vigil.llm.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A finite set of exact byte strings (JSON texts of allowed values, enum members, tool names),
 * sorted so that the strings sharing a prefix form a contiguous range; compared by value, so a
 * state holding the same choice hits the same cached mask.
 */
final class LiteralSet {
  private final byte[][] items;
  private final int hash;

  private LiteralSet(byte[][] items) {
    this.items = items;
    this.hash = Arrays.deepHashCode(items);
  }

  static LiteralSet of(Collection<String> texts) {
    TreeSet<byte[]> sorted = new TreeSet<>(Arrays::compareUnsigned);
    for (String text : texts) {
      sorted.add(text.getBytes(StandardCharsets.UTF_8));
    }
    return new LiteralSet(sorted.toArray(new byte[0][]));
  }

  int size() {
    return items.length;
  }

  byte[] item(int i) {
    return items[i];
  }

  List<String> texts() {
    List<String> out = new ArrayList<>(items.length);
    for (byte[] item : items) {
      out.add(new String(item, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Among items {@code [lo, hi)}, which share their first {@code depth} bytes, the range whose byte at
   * {@code depth} is {@code b}; returned packed as {@code (from << 32) | to}, empty when from == to.
   */
  long narrow(int lo, int hi, int depth, int b) {
    int from = lo;
    while (from < hi && (items[from].length <= depth || (items[from][depth] & 0xFF) < b)) {
      from++;
    }
    int to = from;
    while (to < hi && items[to].length > depth && (items[to][depth] & 0xFF) == b) {
      to++;
    }
    return ((long) from << 32) | to;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof LiteralSet && hash == ((LiteralSet) o).hash
        && Arrays.deepEquals(items, ((LiteralSet) o).items));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return texts().toString();
  }
}
