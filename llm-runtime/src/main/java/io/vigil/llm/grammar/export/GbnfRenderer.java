package io.vigil.llm.grammar.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An {@link Expr} as a llama.cpp GBNF grammar: {@code root} plus one rule per named part. */
final class GbnfRenderer {
  private final Map<String, String> rules = new LinkedHashMap<>();

  static String render(Expr root) {
    GbnfRenderer renderer = new GbnfRenderer();
    String body = renderer.write(root);
    StringBuilder out = new StringBuilder("root ::= ").append(body).append('\n');
    renderer.rules.forEach((name, rule) -> out.append(name).append(" ::= ").append(rule).append('\n'));
    return out.toString();
  }

  private String write(Expr e) {
    if (e instanceof Expr.Text) {
      return literal(((Expr.Text) e).text());
    }
    if (e instanceof Expr.CharClass) {
      return "[" + ((Expr.CharClass) e).body() + "]";
    }
    if (e instanceof Expr.Seq) {
      StringBuilder out = new StringBuilder();
      for (Expr part : ((Expr.Seq) e).parts()) {
        out.append(out.length() == 0 ? "" : " ").append(group(part));
      }
      return out.toString();
    }
    if (e instanceof Expr.Alt) {
      List<Expr> options = ((Expr.Alt) e).options();
      StringBuilder out = new StringBuilder();
      for (Expr option : options) {
        out.append(out.length() == 0 ? "" : " | ").append(write(option));
      }
      return out.toString();
    }
    if (e instanceof Expr.Repeat) {
      Expr.Repeat r = (Expr.Repeat) e;
      String body = atom(r.body());
      if (r.min() == 0 && r.max() == 1) {
        return body + "?";
      }
      if (r.min() == 0 && r.max() < 0) {
        return body + "*";
      }
      if (r.min() == 1 && r.max() < 0) {
        return body + "+";
      }
      return body + "{" + r.min() + (r.min() == r.max() ? "" : "," + (r.max() < 0 ? "" : r.max())) + "}";
    }
    Expr.Named named = (Expr.Named) e;
    if (!rules.containsKey(named.name())) {
      rules.put(named.name(), "");
      rules.put(named.name(), write(named.body()));
    }
    return named.name();
  }

  /** A part inside a sequence: alternatives need parentheses. */
  private String group(Expr e) {
    return e instanceof Expr.Alt ? "(" + write(e) + ")" : write(e);
  }

  /** A part under a repetition operator: anything but a single token needs parentheses. */
  private String atom(Expr e) {
    String body = write(e);
    boolean single = e instanceof Expr.Text || e instanceof Expr.CharClass || e instanceof Expr.Named;
    return single ? body : "(" + body + ")";
  }

  static String literal(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20) {
        out.append(String.format("\\x%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
