package io.vigil.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A tau-bench style tool environment over a generated data set: tools take a JSON object of
 * arguments and return a JSON value, or an {@code "Error: ..."} string for an invalid operation
 * (which the agent loop records as an error result).
 */
public interface Environment {
  ObjectMapper JSON = new ObjectMapper();

  /** The name of the Vigil policy that governs this domain. */
  String policy();

  /** Calls a tool. */
  Outcome call(String tool, JsonNode args);

  /** A tool's result: {@code output} when it succeeded, {@code error} ("Error: ...") when it did not. */
  record Outcome(JsonNode output, String error) {
    public boolean ok() {
      return error == null;
    }

    public String text() {
      return ok() ? (output.isTextual() ? output.asText() : output.toString()) : error;
    }
  }

  static Outcome ok(JsonNode output) {
    return new Outcome(output, null);
  }

  static Outcome ok(String output) {
    return new Outcome(TextNode.valueOf(output), null);
  }

  static Outcome error(String message) {
    return new Outcome(null, "Error: " + message);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  static double money(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  /** tau-bench's calculate: + - * / ( ) digits, dots and spaces only. */
  static Outcome calculate(String expression) {
    if (expression == null || !expression.matches("[0-9+\\-*/(). ]+")) {
      return error("invalid characters in expression");
    }
    try {
      return ok(TextNode.valueOf(BigDecimal.valueOf(new Arithmetic(expression).parse())
          .setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()));
    } catch (RuntimeException e) {
      return error(e.getMessage() == null ? "invalid expression" : e.getMessage());
    }
  }

  /** A recursive-descent evaluator for calculate. */
  final class Arithmetic {
    private final String s;
    private int i;

    Arithmetic(String s) {
      this.s = s.replace(" ", "");
    }

    double parse() {
      double v = sum();
      if (i != s.length()) {
        throw new IllegalArgumentException("invalid expression");
      }
      return v;
    }

    private double sum() {
      double v = product();
      while (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        v = s.charAt(i++) == '+' ? v + product() : v - product();
      }
      return v;
    }

    private double product() {
      double v = atom();
      while (i < s.length() && (s.charAt(i) == '*' || s.charAt(i) == '/')) {
        if (s.charAt(i++) == '*') {
          v *= atom();
        } else {
          double d = atom();
          if (d == 0) {
            throw new IllegalArgumentException("division by zero");
          }
          v /= d;
        }
      }
      return v;
    }

    private double atom() {
      if (i < s.length() && s.charAt(i) == '-') {
        i++;
        return -atom();
      }
      if (i < s.length() && s.charAt(i) == '(') {
        i++;
        double v = sum();
        if (i >= s.length() || s.charAt(i++) != ')') {
          throw new IllegalArgumentException("invalid expression");
        }
        return v;
      }
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("invalid expression");
      }
      return Double.parseDouble(s.substring(start, i));
    }
  }
}
