package io.vigil.llm.grammar.export;

/**
 * An {@link Expr} as one regular expression, named parts inlined, in the syntax Java, Python's
 * {@code re} and the regex engines of vLLM and SGLang share: non-capturing groups, classes,
 * bounded repetition, and metacharacters escaped with a backslash.
 */
final class RegexRenderer {
  private RegexRenderer() {}

  static String render(Expr e) {
    StringBuilder out = new StringBuilder();
    write(e, out);
    return out.toString();
  }

  private static void write(Expr e, StringBuilder out) {
    if (e instanceof Expr.Text) {
      escape(((Expr.Text) e).text(), out);
    } else if (e instanceof Expr.CharClass) {
      out.append('[').append(((Expr.CharClass) e).body()).append(']');
    } else if (e instanceof Expr.Seq) {
      for (Expr part : ((Expr.Seq) e).parts()) {
        if (part instanceof Expr.Alt) {
          out.append("(?:");
          write(part, out);
          out.append(')');
        } else {
          write(part, out);
        }
      }
    } else if (e instanceof Expr.Alt) {
      boolean first = true;
      for (Expr option : ((Expr.Alt) e).options()) {
        out.append(first ? "" : "|");
        first = false;
        write(option, out);
      }
    } else if (e instanceof Expr.Repeat) {
      Expr.Repeat r = (Expr.Repeat) e;
      out.append("(?:");
      write(r.body(), out);
      out.append(')');
      if (r.min() == 0 && r.max() == 1) {
        out.append('?');
      } else if (r.min() == 0 && r.max() < 0) {
        out.append('*');
      } else if (r.min() == r.max()) {
        out.append('{').append(r.min()).append('}');
      } else {
        out.append('{').append(r.min()).append(',').append(r.max() < 0 ? "" : String.valueOf(r.max())).append('}');
      }
    } else {
      Expr body = ((Expr.Named) e).body();
      if (body instanceof Expr.Alt) {
        out.append("(?:");
        write(body, out);
        out.append(')');
      } else {
        write(body, out);
      }
    }
  }

  private static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\^$.|?*+()[]{}/-\"".indexOf(c) >= 0) {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
  }
}
