package io.vigil.dsl.format;

import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Canonical layout of a policy: tools, groups, constants and rules, each in source order, a blank
 * line between sections and between rules, two-space indented rule clauses. The output parses back
 * to a tree equal to the input (positions aside). Comments are not kept.
 */
public final class PolicyFormatter {
  private static final String INDENT = "  ";
  private static final String CONTINUATION = "    ";
  private static final int WIDTH = 100;

  private PolicyFormatter() {}

  public static String format(Policy policy) {
    List<String> sections = new ArrayList<>();
    sections.add("policy " + policy.name());
    if (!policy.tools().isEmpty()) {
      sections.add(lines(policy.tools().stream().map(PolicyFormatter::tool).toList()));
    }
    if (!policy.groups().isEmpty()) {
      sections.add(lines(policy.groups().stream()
          .map(g -> "group " + g.name() + " = " + String.join(", ", g.members()))
          .toList()));
    }
    if (!policy.constants().isEmpty()) {
      sections.add(lines(policy.constants().stream()
          .map(let -> "let " + let.name() + " = " + format(let.value()))
          .toList()));
    }
    for (Policy.Rule rule : policy.rules()) {
      sections.add(rule(rule));
    }
    return String.join("\n\n", sections) + "\n";
  }

  /** One expression on one line, parenthesized as needed. */
  public static String format(Expr expr) {
    return ExprFormatter.format(expr);
  }

  private static String tool(Policy.ToolDecl tool) {
    String params = tool.params().stream()
        .map(p -> p.name() + ": " + p.type())
        .collect(Collectors.joining(", "));
    return "tool " + tool.name() + "(" + params + ") -> " + tool.returns();
  }

  private static String rule(Policy.Rule rule) {
    List<String> lines = new ArrayList<>();
    lines.add("rule " + rule.name() + ":");
    lines.add(INDENT + "before " + ExprFormatter.pattern(rule.trigger()));
    rule.condition().ifPresent(c -> lines.add(clause("when", c)));
    lines.add(clause("require", rule.requirement()));
    rule.because().ifPresent(m -> lines.add(INDENT + "because \"" + message(m) + "\""));
    return lines(lines);
  }

  /**
   * {@code keyword expr}; a long top-level chain of {@code and} (or {@code or}) is broken before
   * each operator.
   */
  private static String clause(String keyword, Expr expr) {
    String line = INDENT + keyword + " " + format(expr);
    if (line.length() <= WIDTH
        || !(expr instanceof Expr.Binary binary)
        || (binary.op() != Expr.BinaryOp.AND && binary.op() != Expr.BinaryOp.OR)) {
      return line;
    }
    List<Expr> operands = new ArrayList<>();
    flatten(binary.op(), expr, operands);
    StringBuilder out = new StringBuilder(INDENT).append(keyword).append(' ');
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        out.append('\n').append(INDENT).append(CONTINUATION).append(binary.op().symbol).append(' ');
      }
      out.append(ExprFormatter.chainOperand(binary.op(), operands.get(i), i == 0, i == operands.size() - 1));
    }
    return out.toString();
  }

  /** The operands of a left-nested chain {@code ((a op b) op c)}: a, b, c. */
  private static void flatten(Expr.BinaryOp op, Expr expr, List<Expr> operands) {
    if (expr instanceof Expr.Binary binary && binary.op() == op) {
      flatten(op, binary.left(), operands);
      operands.add(binary.right());
    } else {
      operands.add(expr);
    }
  }

  private static String message(Policy.Message message) {
    StringBuilder out = new StringBuilder();
    for (Policy.Message.Part part : message.parts()) {
      if (part instanceof Policy.Message.Text text) {
        out.append(Escapes.messageText(text.text()));
      } else if (part instanceof Policy.Message.Hole hole) {
        out.append('{').append(Escapes.string(format(hole.expr()))).append('}');
      }
    }
    return out.toString();
  }

  private static String lines(List<String> lines) {
    return String.join("\n", lines);
  }
}
