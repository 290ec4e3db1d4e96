package io.vigil.dsl;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The built-in functions and how many arguments each takes. */
public final class Builtins {
  private static final Map<String, Integer> ARITY = Map.of(
      "len", 1, "sum", 1, "keys", 1, "time", 1, "lower", 1, "upper", 1, "abs", 1,
      "min", 2, "max", 2);

  private Builtins() {}

  public static boolean isFunction(String name) {
    return ARITY.containsKey(name);
  }

  public static Optional<Integer> arity(String name) {
    return Optional.ofNullable(ARITY.get(name));
  }

  public static Set<String> names() {
    return ARITY.keySet();
  }
}
