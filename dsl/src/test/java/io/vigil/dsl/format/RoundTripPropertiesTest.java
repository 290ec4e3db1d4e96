package io.vigil.dsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Formatting a tree and parsing the text back gives an equal tree. */
class RoundTripPropertiesTest {
  private final Generators generators = new Generators();

  @Provide
  Arbitrary<Expr> expressions() {
    return generators.expressions();
  }

  @Provide
  Arbitrary<Policy> policies() {
    return generators.policies();
  }

  @Property(tries = 2000)
  void expressionsParseBackToEqualTrees(@ForAll("expressions") Expr expr) {
    String text = PolicyFormatter.format(expr);
    Expr parsed = PolicyParser.parseExpression(text, "generated");
    assertEquals(expr, parsed, text);
    assertEquals(text, PolicyFormatter.format(parsed));
  }

  @Property(tries = 500)
  void policiesParseBackToEqualTrees(@ForAll("policies") Policy policy) {
    String text = PolicyFormatter.format(policy);
    Policy parsed = PolicyParser.parse(text, "generated.vigil");
    assertEquals(policy, parsed, text);
    assertEquals(text, PolicyFormatter.format(parsed));
  }
}
