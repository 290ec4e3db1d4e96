package io.vigil.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.grammar.export.CallConstraint;
import io.vigil.llm.grammar.export.GrammarExport;
import io.vigil.llm.schema.ToolSchema;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class GrammarExportTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The automaton, the regex and the GBNF grammar agree on canonical calls and on mutations of them. */
  @Property(tries = 150)
  void regexAndGbnfAcceptExactlyWhatTheAutomatonAccepts(@ForAll long seed) {
    RandomSchemas random = new RandomSchemas(seed);
    List<ToolSchema> tools = random.tools();
    ToolCallGrammar grammar = new ToolCallGrammar(tools);
    CallConstraint constraint = CallConstraint.of(tools);
    Pattern regex = Pattern.compile(GrammarExport.regex(constraint));
    GbnfRecognizer gbnf = new GbnfRecognizer(GrammarExport.gbnf(constraint));
    ToolSchema tool = tools.get(random.nextInt(tools.size()));
    String call = ToolCallGrammarPropertiesTest.canonicalCall(tool, random.arguments(tool));
    assertTrue(regex.matcher(call).matches(), call);
    assertTrue(gbnf.accepts(call), call);
    byte[] bytes = call.getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 10; round++) {
      byte[] mutated = ToolCallGrammarPropertiesTest.mutate(bytes, random);
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(mutated)).toString();
      } catch (CharacterCodingException e) {
        continue;
      }
      boolean automaton = new GrammarWalk(grammar).feed(mutated).accepted();
      assertEquals(automaton, regex.matcher(text).matches(), text);
      assertEquals(automaton, gbnf.accepts(text), text);
    }
  }

  @Test
  void allowedValuesNarrowEveryForm() {
    List<ToolSchema> tools = ToolCallGrammarTest.TOOLS;
    CallConstraint constraint = new CallConstraint(tools,
        Map.of("refund", Map.of("order_id", List.of(NODES.textNode("#W1"), NODES.textNode("#W2")))));
    Pattern regex = Pattern.compile(GrammarExport.regex(constraint));
    GbnfRecognizer gbnf = new GbnfRecognizer(GrammarExport.gbnf(constraint));
    String allowed = "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W2\", \"amount\": 3, \"notify\": true}}";
    String other = "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W3\", \"amount\": 3, \"notify\": true}}";
    String otherTool = "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W3\"}}";
    assertTrue(GrammarWalk.of(ToolCallGrammarTest.GRAMMAR, other).accepted(), "the schema alone allows #W3");
    for (String call : List.of(allowed, otherTool)) {
      assertTrue(regex.matcher(call).matches(), call);
      assertTrue(gbnf.accepts(call), call);
    }
    assertFalse(regex.matcher(other).matches());
    assertFalse(gbnf.accepts(other));
    for (String malformed : List.of("{\"name\": \"refund\"}", "{\"name\":\"ping\", \"arguments\": {}}",
        "{\"name\": \"ping\", \"arguments\": {}} ", "{\"name\": \"ping\", \"arguments\": {\"x\": 1}}")) {
      assertFalse(regex.matcher(malformed).matches(), malformed);
      assertFalse(gbnf.accepts(malformed), malformed);
    }
    assertTrue(gbnf.accepts("{\"name\": \"ping\", \"arguments\": {}}"));

    ObjectNode schema = GrammarExport.jsonSchema(constraint);
    assertEquals(tools.size(), schema.get("anyOf").size());
    JsonNode refund = schema.get("anyOf").get(1);
    assertEquals("refund", refund.at("/properties/name/const").asText());
    assertEquals("[\"#W1\",\"#W2\"]", refund.at("/properties/arguments/properties/order_id/enum").toString());
    assertEquals("number", refund.at("/properties/arguments/properties/amount/type").asText());
    assertTrue(refund.at("/properties/arguments/required").toString().contains("amount"));
    assertFalse(refund.at("/properties/arguments/additionalProperties").asBoolean(true));
  }

  @Test
  void gbnfRulesAreAllDefinedAndReachable() {
    String text = GrammarExport.gbnf(CallConstraint.of(ToolCallGrammarTest.TOOLS));
    GbnfRecognizer gbnf = new GbnfRecognizer(text);
    for (String name : gbnf.ruleNames()) {
      assertTrue(name.equals("root") || text.contains(" " + name) || text.contains("(" + name), "unreachable " + name);
    }
    assertTrue(text.startsWith("root ::= \"{\\\"name\\\": \" ("), text);
  }
}
