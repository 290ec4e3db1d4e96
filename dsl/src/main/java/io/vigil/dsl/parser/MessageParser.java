package io.vigil.dsl.parser;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy.Message;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Splits a rule's {@code because} string into text and {@code {expr}} holes; {@code {{} and
 * {@code }}} are literal braces.
 */
final class MessageParser {
  private final SourceMapper positions;
  private final List<Diagnostic> diagnostics;

  MessageParser(SourceMapper positions, List<Diagnostic> diagnostics) {
    this.positions = positions;
    this.diagnostics = diagnostics;
  }

  Message parse(Token token, StringLiterals.Decoded decoded) {
    String s = decoded.text();
    int[] offsets = decoded.offsets();
    List<Message.Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean doubled = i + 1 < s.length() && s.charAt(i + 1) == c;
      if (c == '{' && !doubled) {
        int end = holeEnd(s, i + 1);
        if (end < 0) {
          diagnostics.add(Diagnostic.error(positions.at(token, offsets[i]),
              "unclosed '{' in message; write '{{' for a literal brace"));
          break;
        }
        flush(text, parts);
        String source = s.substring(i + 1, end);
        if (source.isBlank()) {
          diagnostics.add(Diagnostic.error(positions.at(token, offsets[i]), "empty '{}' in message"));
        } else {
          SourceMapper holePositions = new SourceMapper(positions.file(), token.getLine(),
              positions.at(token, offsets[i + 1]).column());
          Expr expr = PolicyParser.parseExpression(source, holePositions, diagnostics);
          if (expr != null) {
            parts.add(new Message.Hole(expr));
          }
        }
        i = end + 1;
      } else if (c == '}' && !doubled) {
        diagnostics.add(Diagnostic.error(positions.at(token, offsets[i]),
            "unmatched '}' in message; write '}}' for a literal brace"));
        i++;
      } else {
        text.append(c);
        i += (c == '{' || c == '}') ? 2 : 1;
      }
    }
    flush(text, parts);
    return new Message(parts);
  }

  private static void flush(StringBuilder text, List<Message.Part> parts) {
    if (text.length() > 0) {
      parts.add(new Message.Text(text.toString()));
      text.setLength(0);
    }
  }

  /** The index of the '}' closing a hole, skipping string literals and regexes; -1 if none. */
  private static int holeEnd(String s, int from) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '}') {
        return i;
      }
      if (c == '"' || c == '/') {
        i = skipQuoted(s, i, c);
      } else {
        i++;
      }
    }
    return -1;
  }

  private static int skipQuoted(String s, int open, char quote) {
    int i = open + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    return i;
  }
}
