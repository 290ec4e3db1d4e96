package io.vigil.solver.z3;

import com.microsoft.z3.Context;
import com.microsoft.z3.ReExpr;
import com.microsoft.z3.ReSort;
import com.microsoft.z3.SeqSort;
import com.microsoft.z3.CharSort;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the regex subset that policies use (literals, escapes \d \w \s, classes, groups,
 * alternation, * + ? {m,n}, ^ and $ at the ends of a branch) into a Z3 regular expression with
 * "found anywhere" semantics. Anything else throws {@link Unsupported}.
 */
final class RegexTranslator {
  static final class Unsupported extends RuntimeException {
    Unsupported(String what) {
      super(what);
    }
  }

  private final Context ctx;
  private final String src;
  private final boolean ignoreCase;
  private final ReSort<SeqSort<CharSort>> sort;
  private int at;

  private RegexTranslator(Context ctx, String src, boolean ignoreCase) {
    this.ctx = ctx;
    this.src = src;
    this.ignoreCase = ignoreCase;
    this.sort = ctx.mkReSort(ctx.mkStringSort());
  }

  static ReExpr<SeqSort<CharSort>> translate(Context ctx, String regex, boolean ignoreCase) {
    RegexTranslator t = new RegexTranslator(ctx, regex, ignoreCase);
    List<ReExpr<SeqSort<CharSort>>> branches = new ArrayList<>();
    do {
      boolean anchoredStart = t.eat('^');
      ReExpr<SeqSort<CharSort>> body = t.sequence(true);
      boolean anchoredEnd = t.eat('$');
      ReExpr<SeqSort<CharSort>> any = t.ctx.mkStar(t.ctx.mkAllcharRe(t.sort));
      List<ReExpr<SeqSort<CharSort>>> parts = new ArrayList<>();
      if (!anchoredStart) {
        parts.add(any);
      }
      parts.add(body);
      if (!anchoredEnd) {
        parts.add(any);
      }
      branches.add(t.concat(parts));
    } while (t.eat('|'));
    if (t.at != t.src.length()) {
      throw new Unsupported("unexpected '" + t.src.charAt(t.at) + "'");
    }
    return t.union(branches);
  }

  private boolean eat(char c) {
    if (at < src.length() && src.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private ReExpr<SeqSort<CharSort>> alternation() {
    List<ReExpr<SeqSort<CharSort>>> branches = new ArrayList<>();
    do {
      branches.add(sequence(false));
    } while (eat('|'));
    return union(branches);
  }

  private ReExpr<SeqSort<CharSort>> sequence(boolean topLevel) {
    List<ReExpr<SeqSort<CharSort>>> items = new ArrayList<>();
    while (at < src.length()) {
      char c = src.charAt(at);
      if (c == '|' || c == ')' || (topLevel && c == '$' && at == src.length() - 1)
          || (topLevel && c == '$' && src.charAt(at + 1) == '|')) {
        break;
      }
      items.add(quantified(atom()));
    }
    return concat(items);
  }

  private ReExpr<SeqSort<CharSort>> quantified(ReExpr<SeqSort<CharSort>> atom) {
    while (at < src.length()) {
      char c = src.charAt(at);
      ReExpr<SeqSort<CharSort>> next;
      if (c == '*') {
        at++;
        next = ctx.mkStar(atom);
      } else if (c == '+') {
        at++;
        next = ctx.mkPlus(atom);
      } else if (c == '?') {
        at++;
        next = ctx.mkOption(atom);
      } else if (c == '{') {
        int close = src.indexOf('}', at);
        if (close < 0) {
          throw new Unsupported("unclosed {");
        }
        String[] bounds = src.substring(at + 1, close).split(",", -1);
        at = close + 1;
        int lo = Integer.parseInt(bounds[0].trim());
        if (bounds.length == 1) {
          next = ctx.mkLoop(atom, lo, lo);
        } else if (bounds[1].isBlank()) {
          next = ctx.mkConcat(ctx.mkLoop(atom, lo, lo), ctx.mkStar(atom));
        } else {
          next = ctx.mkLoop(atom, lo, Integer.parseInt(bounds[1].trim()));
        }
      } else {
        return atom;
      }
      eat('?'); // a lazy quantifier matches the same strings
      atom = next;
    }
    return atom;
  }

  private ReExpr<SeqSort<CharSort>> atom() {
    char c = src.charAt(at++);
    switch (c) {
      case '(':
        if (eat('?')) {
          if (!eat(':')) {
            throw new Unsupported("group construct (?" + src.charAt(at));
          }
        }
        ReExpr<SeqSort<CharSort>> inner = alternation();
        if (!eat(')')) {
          throw new Unsupported("unclosed group");
        }
        return inner;
      case '[':
        return charClass();
      case '.':
        return ctx.mkIntersect(ctx.mkAllcharRe(sort), ctx.mkComplement(ctx.mkToRe(Z3Values.string(ctx, "\n"))));
      case '\\':
        return escape(src.charAt(at++));
      case '^':
      case '$':
        throw new Unsupported("anchor inside a branch");
      default:
        return literal(c);
    }
  }

  private ReExpr<SeqSort<CharSort>> escape(char c) {
    switch (c) {
      case 'd': return range('0', '9');
      case 'w': return union(List.of(range('a', 'z'), range('A', 'Z'), range('0', '9'), literal('_')));
      case 's': return union(List.of(literal(' '), literal('\t'), literal('\n'), literal('\r'), literal('\f'), literal('\u000B')));
      case 'D': case 'W': case 'S': return complementChar(escape(Character.toLowerCase(c)));
      case 'n': return literal('\n');
      case 't': return literal('\t');
      case 'r': return literal('\r');
      default:
        if (Character.isLetterOrDigit(c)) {
          throw new Unsupported("escape \\" + c);
        }
        return literal(c);
    }
  }

  private ReExpr<SeqSort<CharSort>> charClass() {
    boolean negated = eat('^');
    List<ReExpr<SeqSort<CharSort>>> members = new ArrayList<>();
    boolean first = true;
    while (at < src.length() && (first || src.charAt(at) != ']')) {
      first = false;
      char c = src.charAt(at++);
      if (c == '\\') {
        char e = src.charAt(at++);
        if ("dwsDWS".indexOf(e) >= 0) {
          members.add(escape(e));
          continue;
        }
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else if (c == '[') {
        throw new Unsupported("nested character class");
      }
      if (at + 1 < src.length() && src.charAt(at) == '-' && src.charAt(at + 1) != ']') {
        char hi = src.charAt(at + 1);
        at += 2;
        members.add(range(c, hi));
      } else {
        members.add(literal(c));
      }
    }
    if (!eat(']')) {
      throw new Unsupported("unclosed character class");
    }
    ReExpr<SeqSort<CharSort>> set = union(members);
    return negated ? complementChar(set) : set;
  }

  private ReExpr<SeqSort<CharSort>> complementChar(ReExpr<SeqSort<CharSort>> set) {
    return ctx.mkIntersect(ctx.mkAllcharRe(sort), ctx.mkComplement(set));
  }

  private ReExpr<SeqSort<CharSort>> range(char lo, char hi) {
    ReExpr<SeqSort<CharSort>> r = ctx.mkRange(Z3Values.string(ctx, String.valueOf(lo)), Z3Values.string(ctx, String.valueOf(hi)));
    if (ignoreCase && Character.isLetter(lo) && Character.isLetter(hi)) {
      char l2 = Character.isLowerCase(lo) ? Character.toUpperCase(lo) : Character.toLowerCase(lo);
      char h2 = Character.isLowerCase(hi) ? Character.toUpperCase(hi) : Character.toLowerCase(hi);
      return ctx.mkUnion(r, ctx.mkRange(Z3Values.string(ctx, String.valueOf(l2)), Z3Values.string(ctx, String.valueOf(h2))));
    }
    return r;
  }

  private ReExpr<SeqSort<CharSort>> literal(char c) {
    ReExpr<SeqSort<CharSort>> r = ctx.mkToRe(Z3Values.string(ctx, String.valueOf(c)));
    if (ignoreCase && Character.toLowerCase(c) != Character.toUpperCase(c)) {
      return ctx.mkUnion(ctx.mkToRe(Z3Values.string(ctx, String.valueOf(Character.toLowerCase(c)))),
          ctx.mkToRe(Z3Values.string(ctx, String.valueOf(Character.toUpperCase(c)))));
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private ReExpr<SeqSort<CharSort>> concat(List<ReExpr<SeqSort<CharSort>>> items) {
    if (items.isEmpty()) {
      return ctx.mkToRe(Z3Values.string(ctx, ""));
    }
    if (items.size() == 1) {
      return items.get(0);
    }
    ReExpr<SeqSort<CharSort>>[] array = items.toArray(new ReExpr[0]);
    return ctx.mkConcat(array);
  }

  @SuppressWarnings("unchecked")
  private ReExpr<SeqSort<CharSort>> union(List<ReExpr<SeqSort<CharSort>>> items) {
    return items.size() == 1 ? items.get(0) : ctx.mkUnion(items.toArray(new ReExpr[0]));
  }
}
