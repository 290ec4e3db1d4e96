package io.vigil.dsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PolicyFormatterTest {
  private static String reformat(String expression) {
    return PolicyFormatter.format(PolicyParser.parseExpression(expression, "f"));
  }

  @Test
  void canonicalLayout() {
    String source = """
        policy   retail
        rule cancel_only_pending: before cancel(o, _) when o != "" require
           once (ok get(o) returns r where r.status == "pending") because "order {o} is not {{pending}}"
        let limit=3   # comment
        group g = get , cancel
        tool get(order_id: string) -> json
        tool cancel(order_id: string, reason: string)
        rule second: before g(..) require true
        """;
    String expected = """
        policy retail

        tool get(order_id: string) -> json
        tool cancel(order_id: string, reason: string) -> json

        group g = get, cancel

        let limit = 3

        rule cancel_only_pending:
          before cancel(o, _)
          when o != ""
          require once ok get(o) returns r where r.status == "pending"
          because "order {o} is not {{pending}}"

        rule second:
          before g(..)
          require true
        """;
    assertEquals(expected, PolicyFormatter.format(PolicyParser.parse(source, "f")));
  }

  @Test
  void onlyNeededParentheses() {
    assertEquals("a + b * c", reformat("a + (b * c)"));
    assertEquals("(a + b) * c", reformat("(a + b) * c"));
    assertEquals("a - (b - c)", reformat("a - (b - c)"));
    assertEquals("a - b - c", reformat("(a - b) - c"));
    assertEquals("a implies b implies c", reformat("a implies (b implies c)"));
    assertEquals("(a implies b) implies c", reformat("(a implies b) implies c"));
    assertEquals("not a and b", reformat("(not a) and b"));
    assertEquals("not (a and b)", reformat("not (a and b)"));
    assertEquals("not a == b", reformat("not (a == b)"));
    assertEquals("once a and b", reformat("(once a) and b"));
    assertEquals("once (a and b)", reformat("once (a and b)"));
    assertEquals("(-a).f", reformat("(-a).f"));
    assertEquals("-a.f", reformat("-(a.f)"));
  }

  @Test
  void whereAndQuantifierBodiesAreParenthesizedWhenTextFollows() {
    assertEquals("once ok f(x) where x == 1", reformat("once (ok f(x) where x == 1)"));
    assertEquals("once (ok f(x) where x == 1) and y", reformat("(once ok f(x) where x == 1) and y"));
    assertEquals("y and once ok f(x) where x == 1", reformat("y and (once ok f(x) where x == 1)"));
    assertEquals("(exists x in l: x) or y", reformat("(exists x in l: x) or y"));
    assertEquals("y or exists x in l: x or y", reformat("y or (exists x in l: x or y)"));
    assertEquals("exists x in (exists y in l: y): x", reformat("exists x in (exists y in l: y): x"));
    assertEquals("(f(_) where a).b", reformat("(f(_) where a).b"));
    assertEquals("g(f(_) where a, b)", reformat("g(f(_) where a, b)"));
  }

  @Test
  void literalsAreEscaped() {
    assertEquals("\"a \\\"b\\\" \\\\ \\n \\t /\"", reformat("\"a \\\"b\\\" \\\\ \\n \\t \\/\""));
    assertEquals("s matches /a\\/b\\d/i", reformat("s matches /a\\/b\\d/i"));
    assertEquals("[1.50, 500ms, 7d, null, now, true]", reformat("[1.50, 500ms, 7d, null, now, true]"));
    assertEquals("r.count[*].error[\"x\"]", reformat("r.count[*].error[\"x\"]"));
  }

  @Test
  void fieldNamesThatAreNotIdentifiersBecomeIndexes() {
    Expr field = new Expr.Field(new Expr.VarRef("r", io.vigil.dsl.Trees.P), "a b", io.vigil.dsl.Trees.P);
    assertEquals("r[\"a b\"]", PolicyFormatter.format(field));
  }

  @Test
  void patterns() {
    assertEquals("count within 7d (error f(a: _, \"x\", ..) returns e) > 1",
        reformat("count within 7d (error f(a: _, \"x\", ..) returns e) > 1"));
    assertEquals("user_message and assistant_message(t)", reformat("user_message(_) and assistant_message(t)"));
    assertEquals("ok f(..)", reformat("ok f(..) returns _"));
  }

  @Test
  void messagesKeepHolesAndBraces() {
    String source = "policy p\nrule r:\n  before t(x)\n  require true\n"
        + "  because \"{{x}} = {x.f + \\\"}\\\"} {len(x)}{x}\\\\ done\"\n";
    Policy policy = PolicyParser.parse(source, "f");
    assertEquals(source.replace("  before", "  before").replace("policy p\n", "policy p\n\n"),
        PolicyFormatter.format(policy));
  }

  /** The example policies of the repository format to a fixed point. */
  @TestFactory
  Stream<DynamicTest> examplePoliciesAreIdempotent() throws IOException {
    Path examples = Path.of("..", "examples");
    assertTrue(Files.isDirectory(examples), "no examples directory at " + examples.toAbsolutePath());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(examples)) {
      files = walk.filter(p -> p.toString().endsWith(".vigil") && !p.toString().contains("target")).sorted().toList();
    }
    return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
      Policy policy = PolicyParser.parse(Files.readString(file), file.toString());
      String once = PolicyFormatter.format(policy);
      Policy reparsed = PolicyParser.parse(once, file + " (formatted)");
      assertEquals(policy, reparsed);
      assertEquals(once, PolicyFormatter.format(reparsed));
    }));
  }
}
