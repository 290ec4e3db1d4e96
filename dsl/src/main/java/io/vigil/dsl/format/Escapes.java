package io.vigil.dsl.format;

import java.util.regex.Pattern;

/** Writes strings, message text and regexes back in their source form. */
final class Escapes {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private Escapes() {}

  /** The content of a string literal, without its quotes. */
  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Literal text of a rule message: a string whose braces are doubled. */
  static String messageText(String text) {
    return string(text).replace("{", "{{").replace("}", "}}");
  }

  /** A regex body between its slashes: a bare {@code /} becomes {@code \/}. */
  static String regex(String body) {
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        out.append(c).append(body.charAt(i + 1));
        i++;
      } else if (c == '/') {
        out.append("\\/");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Whether {@code name} can be written after a dot ({@code r.name}). */
  static boolean isFieldName(String name) {
    return NAME.matcher(name).matches() && !name.equals("_");
  }
}
