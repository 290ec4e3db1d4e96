package io.vigil.dsl.check;

import io.vigil.dsl.tree.Type;
import java.util.Collection;

/** Compatibility rules of the simple type inference: json is compatible with everything. */
final class Types {
  static final Type STRING = Type.Primitive.STRING;
  static final Type NUMBER = Type.Primitive.NUMBER;
  static final Type BOOL = Type.Primitive.BOOL;
  static final Type JSON = Type.Primitive.JSON;

  private Types() {}

  static boolean compatible(Type a, Type b) {
    if (a == JSON || b == JSON) {
      return true;
    }
    if (a instanceof Type.ListOf la && b instanceof Type.ListOf lb) {
      return compatible(la.element(), lb.element());
    }
    return a.equals(b);
  }

  static boolean isList(Type type) {
    return type instanceof Type.ListOf;
  }

  /** The element type of a list or json value; null for anything else. */
  static Type elementOf(Type type) {
    if (type == JSON) {
      return JSON;
    }
    return type instanceof Type.ListOf list ? list.element() : null;
  }

  /** The one type all of {@code types} share, else json. */
  static Type common(Collection<Type> types) {
    Type result = null;
    for (Type type : types) {
      if (result == null) {
        result = type;
      } else if (!result.equals(type)) {
        return JSON;
      }
    }
    return result == null ? JSON : result;
  }

  /** The most specific type compatible with both, or json. */
  static Type join(Type a, Type b) {
    if (a == JSON) {
      return b;
    }
    if (b == JSON) {
      return a;
    }
    return a.equals(b) ? a : JSON;
  }
}
