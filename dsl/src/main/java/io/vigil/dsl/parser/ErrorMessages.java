package io.vigil.dsl.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Words syntax errors as "unexpected X, expected Y" in the language's own terms. */
final class ErrorMessages {
  private static final int MAX_LISTED = 8;
  private static final Set<String> OPERATORS = Set.of(
      "'.'", "'['", "'*'", "'%'", "'+'", "'-'", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='",
      "'in'", "'not'", "'matches'", "'since'", "'and'", "'or'", "'implies'");

  private ErrorMessages() {}

  static String unexpected(Parser parser, Token token, IntervalSet expected) {
    String message = "unexpected " + describe(token);
    List<String> names = expectedNames(parser, expected);
    if (names.isEmpty()) {
      return message;
    }
    return message + ", expected " + join(names);
  }

  static String describe(Token token) {
    if (token == null || token.getType() == Token.EOF) {
      return "end of file";
    }
    return "'" + token.getText().replace("\n", "\\n") + "'";
  }

  private static List<String> expectedNames(Parser parser, IntervalSet expected) {
    Vocabulary vocabulary = parser.getVocabulary();
    ATN atn = parser.getATN();
    IntervalSet expressionStart = atn.nextTokens(atn.ruleToStartState[VigilParser.RULE_expr]);
    boolean expression = !expressionStart.isNil()
        && expressionStart.getIntervals().stream().allMatch(
            interval -> expected.and(IntervalSet.of(interval.a, interval.b)).size()
                == interval.length());
    List<String> names = new ArrayList<>();
    if (expression) {
      names.add("an expression");
    }
    boolean collapseOperators = expectsOperators(vocabulary, expected);
    boolean operator = false;
    for (int type : expected.toArray()) {
      if (expression && expressionStart.contains(type)) {
        continue;
      }
      String name = name(vocabulary, type);
      if (collapseOperators && OPERATORS.contains(name)) {
        operator = true;
        continue;
      }
      names.add(name);
    }
    if (operator) {
      names.add("an operator");
    }
    return names;
  }

  private static boolean expectsOperators(Vocabulary vocabulary, IntervalSet expected) {
    int found = 0;
    for (int type : expected.toArray()) {
      if (OPERATORS.contains(name(vocabulary, type))) {
        found++;
      }
    }
    return found >= 4;
  }

  private static String name(Vocabulary vocabulary, int type) {
    if (type == Token.EOF) {
      return "end of file";
    }
    String literal = vocabulary.getLiteralName(type);
    if (literal != null) {
      return literal;
    }
    return switch (vocabulary.getSymbolicName(type)) {
      case "STRING" -> "a string";
      case "NUMBER" -> "a number";
      case "DURATION" -> "a duration";
      case "REGEX" -> "a regex";
      case "IDENT" -> "a name";
      default -> vocabulary.getDisplayName(type);
    };
  }

  private static String join(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    if (names.size() == 2) {
      return names.get(0) + " or " + names.get(1);
    }
    List<String> shown = names.size() > MAX_LISTED ? names.subList(0, MAX_LISTED) : names;
    String list = String.join(", ", shown);
    return "one of " + list + (names.size() > MAX_LISTED ? ", ..." : "");
  }
}
