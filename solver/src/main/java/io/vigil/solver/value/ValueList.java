package io.vigil.solver.value;

import java.util.AbstractList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The elements of a JSON list, immutable. Membership ({@code x in list}) in a long list is asked
 * again and again of the same list (every order action asks whether the order is in the
 * profile's order list), so from {@link #HASHED_FROM} elements on the first {@link #contains}
 * builds a hash set of the elements.
 */
public final class ValueList extends AbstractList<Value> implements RandomAccess {
  static final int HASHED_FROM = 16;
  private static final ValueList EMPTY = new ValueList(new Value[0]);

  private final Value[] elements;
  private volatile Set<Value> hashed;

  private ValueList(Value[] elements) {
    this.elements = elements;
  }

  /** The elements of {@code list}; the same instance when it already is one. */
  public static ValueList copyOf(Collection<? extends Value> list) {
    if (list instanceof ValueList v) {
      return v;
    }
    if (list.isEmpty()) {
      return EMPTY;
    }
    Value[] elements = list.toArray(new Value[0]);
    for (Value v : elements) {
      Objects.requireNonNull(v, "element");
    }
    return new ValueList(elements);
  }

  /** A list over {@code elements} (no nulls), taken over, not copied. */
  static ValueList of(Value[] elements) {
    return elements.length == 0 ? EMPTY : new ValueList(elements);
  }

  @Override
  public Value get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }

  @Override
  public boolean contains(Object o) {
    if (elements.length < HASHED_FROM) {
      for (Value v : elements) {
        if (v.equals(o)) {
          return true;
        }
      }
      return false;
    }
    Set<Value> set = hashed;
    if (set == null) {
      set = new HashSet<>(java.util.Arrays.asList(elements));
      hashed = set;
    }
    return set.contains(o);
  }

  @Override
  public int indexOf(Object o) {
    for (int i = 0; i < elements.length; i++) {
      if (elements[i].equals(o)) {
        return i;
      }
    }
    return -1;
  }
}
