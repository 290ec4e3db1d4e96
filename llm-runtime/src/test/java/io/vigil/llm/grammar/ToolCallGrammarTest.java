package io.vigil.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolCallGrammarTest {
  static final List<ToolSchema> TOOLS = JsonSchemas.readTools("""
      [{"type": "function", "function": {"name": "get_order_details", "parameters": {"type": "object",
         "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}},
       {"name": "refund", "parameters": {"type": "object", "properties": {
         "order_id": {"type": "string"},
         "amount": {"type": "number"},
         "reason": {"enum": ["damaged", "late", "other"]},
         "notify": {"type": "boolean"},
         "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 3},
         "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}, "required": ["city"]},
         "extra": {}},
         "required": ["order_id", "amount"]}},
       {"name": "ping"}]
      """);
  static final ToolCallGrammar GRAMMAR = new ToolCallGrammar(TOOLS);

  @Test
  void acceptsCanonicalCallsAndReportsBoundariesWithValues() {
    GrammarWalk walk = GrammarWalk.of(GRAMMAR,
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W1 \\\"q\\\" é✓\", \"amount\": 12.5e-1, \"reason\": \"late\", "
            + "\"items\": [1, 22, -3], \"address\": {\"city\": \"Paris\"}, \"extra\": {\"k\": [null, true, {\"x\": 0}]}}}");
    assertTrue(walk.accepted(), () -> "rejected at " + walk.rejectedAt + " in state " + walk.state);
    assertEquals(List.of("tool=refund", "order_id=\"#W1 \\\"q\\\" é✓\"", "amount=12.5e-1", "reason=\"late\"",
        "items=[1, 22, -3]", "address={\"city\": \"Paris\"}", "extra={\"k\": [null, true, {\"x\": 0}]}"), walk.events);
  }

  @Test
  void numberAtTheEndOfTheArgumentsEndsAtTheBrace() {
    GrammarWalk walk = GrammarWalk.of(GRAMMAR, "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 7}}");
    assertTrue(walk.accepted());
    assertEquals(List.of("tool=refund", "order_id=\"a\"", "amount=7"), walk.events);
    assertTrue(GrammarWalk.of(GRAMMAR, "{\"name\": \"ping\", \"arguments\": {}}").accepted());
  }

  @Test
  void rejectsMalformedOrNonCanonicalCalls() {
    for (String bad : List.of(
        "{\"name\":\"ping\", \"arguments\": {}}",
        "{\"name\": \"pong\", \"arguments\": {}}",
        "{\"name\": \"refund\", \"arguments\": {\"amount\": 1, \"order_id\": \"a\"}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\"}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 01}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 1, \"reason\": \"soon\"}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 1, \"items\": [1, 2, 3, 4]}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 1, \"items\": [1.5]}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\\q\", \"amount\": 1}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\nb\", \"amount\": 1}}",
        "{\"name\": \"refund\", \"arguments\": {\"order_id\": \"a\", \"amount\": 1, \"address\": {}}}",
        "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"a\"}}}")) {
      assertFalse(GrammarWalk.of(GRAMMAR, bad).accepted(), bad);
    }
  }

  @Test
  void rejectsInvalidUtf8InStrings() {
    byte[] prefix = "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"".getBytes(StandardCharsets.UTF_8);
    for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        new byte[] {(byte) 0xE2, '"'}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
      GrammarWalk walk = new GrammarWalk(GRAMMAR).feed(prefix);
      assertTrue(walk.rejectedAt < 0);
      walk.feed(bad);
      assertTrue(walk.rejectedAt >= 0, () -> "accepted " + java.util.Arrays.toString(bad));
    }
  }

  @Test
  void freeStringStatesDoNotDependOnContent() {
    GrammarState a = new GrammarWalk(GRAMMAR).feed(utf8("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"abc")).state;
    GrammarState b = new GrammarWalk(GRAMMAR).feed(utf8("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"x✓")).state;
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void slotsAreBarriersAndResolveToRestrictedChoices() {
    GrammarWalk walk = new GrammarWalk(GRAMMAR);
    GrammarState s = GRAMMAR.feed(GRAMMAR.start(), utf8("{\"name\": "));
    assertTrue(GRAMMAR.slotAt(s).toolName());
    assertNull(GRAMMAR.feed(s, '"', null), "a slot is never passed unresolved");
    s = GRAMMAR.chooseTool(s, Set.of("refund", "ping"));
    s = GRAMMAR.feed(s, utf8("\"get_order_details\", \"arguments\": {\"order_id\": "));
    assertEquals(new Slot(0, 0), GRAMMAR.slotAt(s));
    GrammarState choice = GRAMMAR.chooseValue(s, List.of("\"#W1\"", "\"#W2\"", "\"#W22\""), Set.of("\"#W2\""));
    assertNotNull(GRAMMAR.feed(choice, utf8("\"#W22\"}}")));
    assertNull(GRAMMAR.feed(choice, utf8("\"#W2\"")));
    assertNull(GRAMMAR.feed(choice, utf8("\"#W3")));
    assertNull(GRAMMAR.chooseValue(s, List.of("\"#W2\""), Set.of("\"#W2\"")));
    GrammarState banned = GRAMMAR.chooseValue(s, null, Set.of("\"abc\""));
    assertNull(GRAMMAR.feed(banned, utf8("\"abc\"")));
    assertNotNull(GRAMMAR.feed(banned, utf8("\"abcd\"}}")));
    assertNotNull(GRAMMAR.feed(banned, utf8("\"ab\"}}")));
    assertTrue(GRAMMAR.isComplete(GRAMMAR.feed(banned, utf8("\"xyz\"}}"))));
    assertEquals(GRAMMAR.feed(s.tail == null ? s : GRAMMAR.chooseValue(s, null, Set.of()), utf8("\"abcd")),
        GRAMMAR.feed(banned, utf8("\"abcd")), "past every banned text the wrapper steps aside");
    assertNotNull(walk);
  }

  @Test
  void bannedNumbersEndAtTheirDelimiter() {
    GrammarState s = GRAMMAR.feed(GRAMMAR.start(), utf8("{\"name\": "));
    s = GRAMMAR.chooseTool(s, Set.of());
    s = GRAMMAR.feed(s, utf8("\"refund\", \"arguments\": {\"order_id\": "));
    s = GRAMMAR.chooseValue(s, null, Set.of());
    s = GRAMMAR.feed(s, utf8("\"a\", \"amount\": "));
    GrammarState banned = GRAMMAR.chooseValue(s, null, Set.of("12"));
    assertNull(GRAMMAR.feed(banned, utf8("12}")));
    assertNull(GRAMMAR.feed(banned, utf8("12,")));
    assertTrue(GRAMMAR.isComplete(GRAMMAR.feed(banned, utf8("123}}"))));
    assertTrue(GRAMMAR.isComplete(GRAMMAR.feed(banned, utf8("1}}"))));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
