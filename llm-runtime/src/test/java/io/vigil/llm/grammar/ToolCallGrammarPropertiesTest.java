package io.vigil.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class ToolCallGrammarPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Numbers compare by value (Jackson reads -40 back as an int where a long was written). */
  private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  static String canonicalCall(ToolSchema tool, ObjectNode arguments) {
    return "{\"name\": " + CanonicalJson.quote(tool.name()) + ", \"arguments\": "
        + CanonicalJson.write(tool.parameters(), arguments).orElseThrow() + "}";
  }

  @Property(tries = 400)
  void canonicalCallsAreAcceptedAndReportEveryValue(@ForAll long seed) throws Exception {
    RandomSchemas random = new RandomSchemas(seed);
    List<ToolSchema> tools = random.tools();
    ToolCallGrammar grammar = new ToolCallGrammar(tools);
    ToolSchema tool = tools.get(random.nextInt(tools.size()));
    ObjectNode arguments = random.arguments(tool);
    String call = canonicalCall(tool, arguments);

    GrammarWalk walk = GrammarWalk.of(grammar, call);
    assertTrue(walk.accepted(), () -> "rejected at " + walk.rejectedAt + ": " + call);
    List<String> expected = new ArrayList<>();
    expected.add("tool=" + tool.name());
    for (ValueSchema.Property p : tool.parameters().properties()) {
      if (arguments.has(p.name())) {
        expected.add(p.name() + "=" + CanonicalJson.write(p.schema(), arguments.get(p.name())).orElseThrow());
      }
    }
    assertEquals(expected, walk.events);
    for (String event : walk.events.subList(1, walk.events.size())) {
      String name = event.substring(0, event.indexOf('='));
      JsonNode reported = JSON.readTree(event.substring(name.length() + 1));
      assertTrue(arguments.get(name).equals(NUMBERS_BY_VALUE, reported), event);
    }
  }

  @Property(tries = 400)
  void mutatedCallsAreRejectedOrStillValid(@ForAll long seed) {
    RandomSchemas random = new RandomSchemas(seed);
    List<ToolSchema> tools = random.tools();
    ToolCallGrammar grammar = new ToolCallGrammar(tools);
    ToolSchema tool = tools.get(random.nextInt(tools.size()));
    byte[] call = canonicalCall(tool, random.arguments(tool)).getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 20; round++) {
      byte[] mutated = mutate(call, random);
      GrammarWalk walk = new GrammarWalk(grammar).feed(mutated);
      if (!walk.accepted()) {
        continue;
      }
      JsonNode parsed;
      try {
        parsed = JSON.readTree(new String(mutated, StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new AssertionError("accepted invalid JSON " + new String(mutated, StandardCharsets.UTF_8), e);
      }
      ToolSchema named = tools.stream().filter(t -> t.name().equals(parsed.path("name").asText())).findFirst()
          .orElseThrow(() -> new AssertionError("accepted an undeclared tool: " + parsed));
      assertTrue(CanonicalJson.conforms(named.parameters(), parsed.get("arguments")),
          () -> "accepted arguments outside the schema: " + parsed);
      try {
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(mutated));
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new AssertionError("accepted bytes that are not UTF-8", e);
      }
    }
  }

  static byte[] mutate(byte[] call, RandomSchemas random) {
    int at = random.nextInt(call.length);
    byte b = (byte) new int[] {'"', '\\', ',', ' ', '}', ']', '1', 'e', '-', 0xC3, 0xA9, 0x80, 0x00, 'x', '{', ':'}[random.nextInt(16)];
    switch (random.nextInt(3)) {
      case 0: {
        byte[] out = call.clone();
        out[at] = b;
        return out;
      }
      case 1: {
        byte[] out = new byte[call.length + 1];
        System.arraycopy(call, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(call, at, out, at + 1, call.length - at);
        return out;
      }
      default: {
        byte[] out = new byte[call.length - 1];
        System.arraycopy(call, 0, out, 0, at);
        System.arraycopy(call, at + 1, out, at, call.length - at - 1);
        return out;
      }
    }
  }

  @Property(tries = 200)
  void masksAgreeWithBruteForceOnRandomStates(@ForAll long seed) {
    RandomSchemas random = new RandomSchemas(seed);
    List<ToolSchema> tools = random.tools();
    ToolCallGrammar grammar = new ToolCallGrammar(tools);
    ToolSchema tool = tools.get(random.nextInt(tools.size()));
    byte[] call = canonicalCall(tool, random.arguments(tool)).getBytes(StandardCharsets.UTF_8);
    GrammarWalk walk = new GrammarWalk(grammar).feed(Arrays.copyOf(call, random.nextInt(call.length + 1)));
    GrammarMasks masks = new GrammarMasks(grammar, TokenTrie.of(VOCABULARY), 4);
    java.util.BitSet expected = new java.util.BitSet();
    for (int id = 0; id < VOCABULARY.vocabSize(); id++) {
      if (!VOCABULARY.isSpecial(id) && grammar.feed(walk.state, VOCABULARY.tokenBytes(id)) != null) {
        expected.set(id);
      }
    }
    assertEquals(expected, masks.allowed(walk.state), walk.state::toString);
  }

  private static final SmallVocabulary VOCABULARY = new SmallVocabulary();
}
