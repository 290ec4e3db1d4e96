package io.vigil.llm.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small recognizer for the GBNF subset the exporter writes (rules, sequences, alternatives,
 * groups, string literals, character classes, ?, *, +, {m,n}), over code points, with every
 * possible end position tracked: enough to check exported grammars accept what the automaton
 * accepts. There is no llama.cpp here; this is a test instrument, not an engine.
 */
final class GbnfRecognizer {
  private interface Node {
    Set<Integer> ends(int[] text, int at);
  }

  private final Map<String, Node> rules = new HashMap<>();
  private final Map<String, Map<Integer, Set<Integer>>> memo = new HashMap<>();
  private String src;
  private int pos;

  GbnfRecognizer(String grammar) {
    for (String line : grammar.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf(" ::= ");
      if (sep < 0) {
        throw new IllegalArgumentException("not a rule: " + line);
      }
      String name = line.substring(0, sep);
      src = line.substring(sep + 5);
      pos = 0;
      Node body = alternatives();
      skipSpaces();
      if (pos != src.length()) {
        throw new IllegalArgumentException("trailing text in rule " + name + " at " + pos + ": " + src.substring(pos));
      }
      if (rules.put(name, body) != null) {
        throw new IllegalArgumentException("rule defined twice: " + name);
      }
    }
    if (!rules.containsKey("root")) {
      throw new IllegalArgumentException("no root rule");
    }
  }

  Set<String> ruleNames() {
    return rules.keySet();
  }

  boolean accepts(String text) {
    memo.clear();
    int[] cps = text.codePoints().toArray();
    return ref("root").ends(cps, 0).contains(cps.length);
  }

  private Node alternatives() {
    List<Node> options = new ArrayList<>();
    options.add(sequence());
    skipSpaces();
    while (pos < src.length() && src.charAt(pos) == '|') {
      pos++;
      options.add(sequence());
      skipSpaces();
    }
    if (options.size() == 1) {
      return options.get(0);
    }
    return (text, at) -> {
      Set<Integer> out = new TreeSet<>();
      for (Node option : options) {
        out.addAll(option.ends(text, at));
      }
      return out;
    };
  }

  private Node sequence() {
    List<Node> parts = new ArrayList<>();
    while (true) {
      skipSpaces();
      if (pos >= src.length() || src.charAt(pos) == '|' || src.charAt(pos) == ')') {
        break;
      }
      parts.add(postfix(atom()));
    }
    return (text, at) -> {
      Set<Integer> current = new TreeSet<>(Set.of(at));
      for (Node part : parts) {
        Set<Integer> next = new TreeSet<>();
        for (int p : current) {
          next.addAll(part.ends(text, p));
        }
        current = next;
        if (current.isEmpty()) {
          break;
        }
      }
      return current;
    };
  }

  private Node atom() {
    char c = src.charAt(pos);
    if (c == '(') {
      pos++;
      Node inner = alternatives();
      expect(')');
      return inner;
    }
    if (c == '"') {
      pos++;
      List<Integer> cps = new ArrayList<>();
      while (src.charAt(pos) != '"') {
        cps.add(escaped());
      }
      pos++;
      int[] literal = cps.stream().mapToInt(Integer::intValue).toArray();
      return (text, at) -> {
        if (at + literal.length > text.length) {
          return Set.of();
        }
        for (int i = 0; i < literal.length; i++) {
          if (text[at + i] != literal[i]) {
            return Set.of();
          }
        }
        return Set.of(at + literal.length);
      };
    }
    if (c == '[') {
      pos++;
      boolean negated = src.charAt(pos) == '^';
      if (negated) {
        pos++;
      }
      List<int[]> ranges = new ArrayList<>();
      while (src.charAt(pos) != ']') {
        int lo = escaped();
        int hi = lo;
        if (src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
          pos++;
          hi = escaped();
        }
        ranges.add(new int[] {lo, hi});
      }
      pos++;
      return (text, at) -> {
        if (at >= text.length) {
          return Set.of();
        }
        boolean in = false;
        for (int[] r : ranges) {
          in |= text[at] >= r[0] && text[at] <= r[1];
        }
        return in != negated ? Set.of(at + 1) : Set.of();
      };
    }
    int start = pos;
    while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '-')) {
      pos++;
    }
    if (start == pos) {
      throw new IllegalArgumentException("unexpected '" + c + "' at " + pos + " in " + src);
    }
    return ref(src.substring(start, pos));
  }

  private Node ref(String name) {
    return (text, at) -> {
      Node rule = rules.get(name);
      if (rule == null) {
        throw new IllegalStateException("undefined rule " + name);
      }
      Map<Integer, Set<Integer>> byPos = memo.computeIfAbsent(name, k -> new HashMap<>());
      Set<Integer> known = byPos.get(at);
      if (known == null) {
        known = rule.ends(text, at);
        byPos.put(at, known);
      }
      return known;
    };
  }

  private Node postfix(Node body) {
    if (pos >= src.length()) {
      return body;
    }
    char c = src.charAt(pos);
    int min;
    int max;
    if (c == '?') {
      min = 0;
      max = 1;
      pos++;
    } else if (c == '*') {
      min = 0;
      max = -1;
      pos++;
    } else if (c == '+') {
      min = 1;
      max = -1;
      pos++;
    } else if (c == '{') {
      int close = src.indexOf('}', pos);
      String[] bounds = src.substring(pos + 1, close).split(",", -1);
      min = Integer.parseInt(bounds[0]);
      max = bounds.length == 1 ? min : bounds[1].isEmpty() ? -1 : Integer.parseInt(bounds[1]);
      pos = close + 1;
    } else {
      return body;
    }
    return (text, at) -> {
      Set<Integer> out = new TreeSet<>();
      Set<Integer> current = new TreeSet<>(Set.of(at));
      if (min == 0) {
        out.add(at);
      }
      for (int count = 1; max < 0 || count <= max; count++) {
        Set<Integer> next = new TreeSet<>();
        for (int p : current) {
          for (int e : body.ends(text, p)) {
            if (e > p || max >= 0) {
              next.add(e);
            }
          }
        }
        next.removeAll(max < 0 ? out : Set.of());
        if (next.isEmpty()) {
          break;
        }
        if (count >= min) {
          out.addAll(next);
        }
        current = next;
      }
      return out;
    };
  }

  private int escaped() {
    char c = src.charAt(pos++);
    if (c != '\\') {
      if (Character.isHighSurrogate(c)) {
        return Character.toCodePoint(c, src.charAt(pos++));
      }
      return c;
    }
    char e = src.charAt(pos++);
    switch (e) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'x': {
        int v = Integer.parseInt(src.substring(pos, pos + 2), 16);
        pos += 2;
        return v;
      }
      case 'u': {
        int v = Integer.parseInt(src.substring(pos, pos + 4), 16);
        pos += 4;
        return v;
      }
      default:
        return e;
    }
  }

  private void expect(char c) {
    skipSpaces();
    if (src.charAt(pos) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + src);
    }
    pos++;
  }

  private void skipSpaces() {
    while (pos < src.length() && src.charAt(pos) == ' ') {
      pos++;
    }
  }
}
