package io.vigil.llm.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.grammar.SmallVocabulary;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConstrainedDecoderTest {
  static final List<ToolSchema> TOOLS = JsonSchemas.readTools("""
      [{"name": "get_order_details", "parameters": {"type": "object",
         "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}},
       {"name": "refund", "parameters": {"type": "object", "properties": {
         "order_id": {"type": "string"},
         "amount": {"type": "number"},
         "reason": {"enum": ["damaged", "late", "other"]}},
         "required": ["order_id", "amount"]}},
       {"name": "delete_account", "parameters": {"type": "object",
         "properties": {"user": {"type": "string"}}, "required": ["user"]}}]
      """);
  static final SmallVocabulary VOCABULARY = new SmallVocabulary();
  static final ConstrainedDecoder DECODER = new ConstrainedDecoder(VOCABULARY, TOOLS, DecoderOptions.defaults());
  static final SamplingOptions GREEDY = new SamplingOptions(0, 1, 1, 200);

  static int[] prompt() {
    return VOCABULARY.encode(VOCABULARY.chatTemplate().render(
        List.of(ChatMessage.of(ChatMessage.Role.USER, "Please help with order #W1")), TOOLS));
  }

  static Generation generate(CallOracle oracle, SamplingOptions sampling, String... scripts) {
    int[] prompt = prompt();
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(VOCABULARY, prompt.length, List.of(scripts)))) {
      return DECODER.generate(model, prompt, oracle, sampling, GenerationListener.NONE);
    }
  }

  static String call(String json) {
    return "<tool_call>" + json + "</tool_call><|im_end|>";
  }

  @Test
  void followsAPreferredAllowedCall() {
    int[] prompt = prompt();
    String script = call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W123\"}}");
    Generation g;
    List<Integer> turn = new ArrayList<>();
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(VOCABULARY, prompt.length, List.of(script)) {
      @Override
      public float[] append(int... ids) {
        for (int id : ids) {
          turn.add(id);
        }
        return super.append(ids);
      }
    })) {
      g = DECODER.generate(model, prompt, new ShopTestOracle(), GREEDY, GenerationListener.NONE);
    }
    // One token closes the string, the arguments and the call: the value's end is found inside it.
    assertTrue(turn.contains(VOCABULARY.encodeOrdinary("\"}}")[0]), turn.toString());
    assertEquals(1, g.toolCalls().size(), g.toString());
    assertEquals("get_order_details", g.toolCalls().get(0).name());
    assertEquals("#W123", g.toolCalls().get(0).arguments().get("order_id").asText());
    assertEquals("", g.text());
    assertTrue(g.blocked().isEmpty());
    assertTrue(g.stats().forcedTokens() > 0 && g.stats().sampledTokens() > 0, g.stats().toString());
  }

  @Test
  void deniedToolNameIsBackedOutAndAnotherAllowedCallComesOut() {
    Generation g = generate(new ShopTestOracle(), GREEDY,
        call("{\"name\": \"delete_account\", \"arguments\": {\"user\": \"u1\"}}"),
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W1\"}}"));
    assertEquals(List.of("get_order_details"), g.toolCalls().stream().map(ToolCall::name).toList(), g.toString());
    assertEquals("tool", g.blocked().get(0).stage());
    assertEquals("delete_account", g.blocked().get(0).tool());
    assertTrue(g.stats().backtracks() >= 1);
  }

  @Test
  void deniedToolWithoutAlternativeEndsInText() {
    Generation g = generate(new ShopTestOracle(), GREEDY,
        call("{\"name\": \"delete_account\", \"arguments\": {\"user\": \"u1\"}}"),
        "I cannot do that.<|im_end|>");
    assertTrue(g.toolCalls().isEmpty(), g.toString());
    assertEquals("I cannot do that.", g.text());
    assertFalse(g.blocked().isEmpty());
  }

  @Test
  void valueOutsideTheAllowedSetIsReplacedByAnAllowedOne() {
    Generation g = generate(new ShopTestOracle(), GREEDY,
        call("{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W9\", \"amount\": 12}}"),
        call("{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W2\", \"amount\": 12}}"));
    assertEquals(1, g.toolCalls().size(), g.toString());
    ToolCall c = g.toolCalls().get(0);
    assertEquals("refund", c.name());
    assertTrue(ShopTestOracle.REFUNDABLE.contains(c.arguments().get("order_id").asText()), c.toString());
    assertEquals(12, c.arguments().get("amount").asInt());
  }

  @Test
  void emptyAllowedSetBacksOutOfTheTool() {
    ShopTestOracle oracle = new ShopTestOracle() {
      @Override
      public Optional<List<com.fasterxml.jackson.databind.JsonNode>> allowedValues(PartialCall call, String param) {
        return call.tool().equals("refund") ? Optional.of(List.of()) : Optional.empty();
      }
    };
    Generation g = generate(oracle, GREEDY,
        call("{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W1\", \"amount\": 12}}"),
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W1\"}}"));
    assertEquals(List.of("get_order_details"), g.toolCalls().stream().map(ToolCall::name).toList(), g.toString());
    assertEquals("argument:order_id", g.blocked().get(0).stage());
  }

  @Test
  void deniedEnumValueIsBannedAndTheNextPreferenceTaken() {
    // reason "late" on #W2 is denied only by decide: the decoder backs out of the last value.
    Generation g = generate(new ShopTestOracle(), GREEDY,
        call("{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W2\", \"amount\": 5, \"reason\": \"late\"}}"),
        call("{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W2\", \"amount\": 5, \"reason\": \"damaged\"}}"));
    assertEquals(1, g.toolCalls().size(), g.toString());
    assertEquals("damaged", g.toolCalls().get(0).arguments().get("reason").asText());
    BlockedAttempt first = g.blocked().get(0);
    assertEquals("call", first.stage());
    assertEquals(List.of("no_late_refund_on_w2"), first.rules());
    assertEquals("late", first.arguments().get("reason").asText());
  }

  @Test
  void valueTheOracleRulesOutMidCallIsBacktracked() {
    Generation g = generate(new ShopTestOracle(), GREEDY,
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W0\"}}"),
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W00\"}}"));
    assertEquals(1, g.toolCalls().size(), g.toString());
    assertEquals("#W00", g.toolCalls().get(0).arguments().get("order_id").asText());
    assertEquals("argument:order_id", g.blocked().get(0).stage());
  }

  @Test
  void noCompletableToolMeansTextFromTheStart() {
    CallOracle nothing = new ShopTestOracle() {
      @Override
      public boolean completable(PartialCall call) {
        return false;
      }
    };
    Generation g = generate(nothing, GREEDY,
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W1\"}}"), "Hello there.<|im_end|>");
    assertTrue(g.toolCalls().isEmpty());
    assertEquals("Hello there.", g.text());
    assertEquals(0, g.stats().backtracks(), "the call was never opened");
  }

  @Test
  void oracleFailureCountsAsDeny() {
    CallOracle broken = new ShopTestOracle() {
      @Override
      public Verdict decide(String tool, com.fasterxml.jackson.databind.node.ObjectNode arguments) {
        throw new IllegalStateException("solver crashed");
      }
    };
    Generation g = generate(broken, GREEDY,
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W1\"}}"), "Sorry.<|im_end|>");
    assertTrue(g.toolCalls().isEmpty(), g.toString());
    assertEquals("Sorry.", g.text());
    assertTrue(g.blocked().stream().anyMatch(b -> b.stage().equals("call") && b.reason().contains("solver crashed")));
  }

  @Test
  void textAndStreamingListener() {
    StringBuilder streamed = new StringBuilder();
    List<ToolCall> streamedCalls = new ArrayList<>();
    int[] prompt = prompt();
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onText(String delta) {
        streamed.append(delta);
      }

      @Override
      public void onToolCall(ToolCall c) {
        streamedCalls.add(c);
      }
    };
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(VOCABULARY, prompt.length,
        List.of("Let me look: été ✓<tool_call>{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"é\"}}</tool_call><|im_end|>")))) {
      Generation g = DECODER.generate(model, prompt, new ShopTestOracle(), GREEDY, listener);
      assertEquals("Let me look: été ✓", g.text());
      assertEquals(g.text(), streamed.toString());
      assertEquals(g.toolCalls(), streamedCalls);
      assertEquals("é", g.toolCalls().get(0).arguments().get("order_id").asText());
    }
  }

  @Test
  void textNeverSpellsOutTheToolCallTag() {
    CallOracle nothing = new ShopTestOracle() {
      @Override
      public boolean completable(PartialCall call) {
        return false;
      }
    };
    int[] prompt = prompt();
    // A model that writes the tag as plain characters when the special token is not open to it.
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(VOCABULARY, prompt.length,
        List.of("<<tool_call>x", "<tool_call>{\"name\": \"get_order_details\"}"), false))) {
      Generation g = DECODER.generate(model, prompt, nothing, new SamplingOptions(0, 1, 1, 30), GenerationListener.NONE);
      assertTrue(g.text().startsWith("<<tool_call"), g.text());
      assertFalse(g.text().contains("<tool_call>"), g.text());
    }
  }

  @Test
  void secondCallInATurnWhenAllowedAndTheLimitHolds() {
    ConstrainedDecoder twoCalls = new ConstrainedDecoder(VOCABULARY, TOOLS, new DecoderOptions(16, 2));
    String first = "<tool_call>{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W1\"}}</tool_call>";
    String second = "<tool_call>{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W2\"}}</tool_call>";
    String third = "<tool_call>{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W3\"}}</tool_call>";
    int[] prompt = prompt();
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(VOCABULARY, prompt.length,
        List.of(first + second + third + "<|im_end|>")))) {
      Generation g = twoCalls.generate(model, prompt, new ShopTestOracle(), GREEDY, GenerationListener.NONE);
      assertEquals(List.of("#W1", "#W2"), g.toolCalls().stream().map(c -> c.arguments().get("order_id").asText()).toList());
    }
    Generation one = generate(new ShopTestOracle(), GREEDY, first + second + "<|im_end|>");
    assertEquals(1, one.toolCalls().size(), "the default allows one call per turn");
  }

  @Test
  void callThatCannotEndWithinTheTokenLimitIsDropped() {
    Generation g = generate(new ShopTestOracle(), new SamplingOptions(0, 1, 1, 12),
        call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W123456789\"}}"));
    assertTrue(g.toolCalls().isEmpty(), g.toString());
    assertTrue(g.stats().tokens() >= 1);
  }

  @Test
  void samplingIsDeterministicPerSeed() {
    List<String> outputs = new ArrayList<>();
    for (long seed : new long[] {7, 7, 8, 9, 10}) {
      SamplingOptions sampling = new SamplingOptions(1.0, 0.9, seed, 60);
      int[] prompt = prompt();
      try (LogitsStepModel model = new LogitsStepModel(new FakeRandomSession(VOCABULARY.vocabSize(), 3, java.util.Map.of()))) {
        Generation g = DECODER.generate(model, prompt, new ShopTestOracle(), sampling, GenerationListener.NONE);
        outputs.add(g.text() + g.toolCalls());
      }
    }
    assertEquals(outputs.get(0), outputs.get(1));
    assertTrue(outputs.subList(2, 5).stream().anyMatch(o -> !o.equals(outputs.get(0))), outputs.toString());
    assertNotEquals("", outputs.get(0));
  }

  @Test
  void thousandRandomSeedsNeverEmitADeniedOrMalformedCall() {
    int vocab = VOCABULARY.vocabSize();
    java.util.Map<Integer, Float> boosts = new java.util.HashMap<>();
    boosts.put(VOCABULARY.special("<tool_call>"), 6f);
    for (String closing : List.of("\"", "\"}", "\"}}", "\", \"", "}}", "}", "1", "#W")) {
      boosts.put(VOCABULARY.encodeOrdinary(closing)[0], 4f);
    }
    ShopTestOracle oracle = new ShopTestOracle();
    int callsMade = 0;
    int blocked = 0;
    for (long seed = 0; seed < 1000; seed++) {
      SamplingOptions sampling = new SamplingOptions(1.0, seed % 2 == 0 ? 1.0 : 0.95, seed, 80);
      try (LogitsStepModel model = new LogitsStepModel(new FakeRandomSession(vocab, seed, boosts))) {
        Generation g = DECODER.generate(model, prompt(), oracle, sampling, GenerationListener.NONE);
        for (ToolCall c : g.toolCalls()) {
          ToolSchema schema = TOOLS.stream().filter(t -> t.name().equals(c.name())).findFirst().orElseThrow();
          assertTrue(CanonicalJson.conforms(schema.parameters(), c.arguments()), c.toString());
          assertTrue(oracle.decide(c.name(), c.arguments()).allowed(), c.toString());
          callsMade++;
        }
        blocked += g.blocked().size();
        assertTrue(g.stats().tokens() >= 1);
      }
    }
    assertTrue(callsMade > 100, "only " + callsMade + " calls in 1000 seeds: the test would prove little");
    assertTrue(blocked > 10, "only " + blocked + " blocked attempts: the policy was hardly exercised");
  }
}
