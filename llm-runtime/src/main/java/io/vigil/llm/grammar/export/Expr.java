package io.vigil.llm.grammar.export;

import java.util.List;

/**
 * A small grammar expression, rendered both as GBNF (named parts become rules) and as a regular
 * expression (named parts are inlined; nothing is recursive, so that is always possible).
 */
sealed interface Expr {
  /** Exact text. */
  record Text(String text) implements Expr {}

  /** A character class body as GBNF and regular expressions both write it, e.g. {@code 0-9}. */
  record CharClass(String body) implements Expr {}

  record Seq(List<Expr> parts) implements Expr {}

  record Alt(List<Expr> options) implements Expr {}

  /** {@code max} < 0: unbounded. */
  record Repeat(Expr body, int min, int max) implements Expr {}

  /** A part with a name: a GBNF rule of its own. */
  record Named(String name, Expr body) implements Expr {}

  static Expr text(String text) {
    return new Text(text);
  }

  static Expr seq(Expr... parts) {
    return new Seq(List.of(parts));
  }

  static Expr alt(List<Expr> options) {
    return options.size() == 1 ? options.get(0) : new Alt(List.copyOf(options));
  }

  static Expr optional(Expr body) {
    return new Repeat(body, 0, 1);
  }
}
