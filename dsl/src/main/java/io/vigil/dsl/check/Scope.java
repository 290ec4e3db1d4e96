package io.vigil.dsl.check;

import io.vigil.dsl.tree.SourcePosition;
import io.vigil.dsl.tree.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Variables in scope, innermost first; remembers which bindings were used. */
final class Scope {
  static final class Binding {
    final String name;
    final Type type;
    final SourcePosition position;
    final boolean reportUnused;
    boolean used;

    Binding(String name, Type type, SourcePosition position, boolean reportUnused) {
      this.name = name;
      this.type = type;
      this.position = position;
      this.reportUnused = reportUnused;
    }
  }

  private final Scope parent;
  private final Map<String, Binding> bindings = new LinkedHashMap<>();

  private Scope(Scope parent) {
    this.parent = parent;
  }

  static Scope root() {
    return new Scope(null);
  }

  Scope child() {
    return new Scope(this);
  }

  boolean contains(String name) {
    return bindings.containsKey(name) || (parent != null && parent.contains(name));
  }

  /** Looks a variable up and marks it used. */
  Optional<Binding> use(String name) {
    Binding binding = bindings.get(name);
    if (binding != null) {
      binding.used = true;
      return Optional.of(binding);
    }
    return parent == null ? Optional.empty() : parent.use(name);
  }

  void bind(String name, Type type, SourcePosition position, boolean reportUnused) {
    bindings.put(name, new Binding(name, type, position, reportUnused));
  }

  /** Bindings of this level (not its parents) that should have been used and were not. */
  List<Binding> unused() {
    List<Binding> unused = new ArrayList<>();
    for (Binding binding : bindings.values()) {
      if (binding.reportUnused && !binding.used && !binding.name.startsWith("_")) {
        unused.add(binding);
      }
    }
    return unused;
  }
}
