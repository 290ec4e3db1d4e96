package io.vigil.llm.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.decode.BlockedAttempt;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.Verdict;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ToolCall;
import io.vigil.llm.testing.FakeCallWriter;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer.Fault;
import io.vigil.llm.testing.FakeSeededLogits;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grammar mode against the fake server, whose calls keep to the request's enums and tool names but
 * otherwise pick tempting values (denied ones among them) and are malformed 30% of the time: the
 * generator never returns a call that does not read, fit its schema and pass the policy; it narrows
 * its requests with the policy's answers, and answers in text when nothing allowed is left.
 */
class RemoteGrammarGeneratorTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();
  private static final int[] PROMPT = TOKENIZER.encode("<|im_start|>user\nPlease sort out my orders<|im_end|>\n<|im_start|>assistant\n");
  private static final List<ToolSchema> TOOLS = JsonSchemas.readTools("["
      + "{\"name\":\"get_order_details\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}},"
      + "{\"name\":\"cancel_pending_order\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"},"
      + "\"reason\":{\"type\":\"string\",\"enum\":[\"no longer needed\",\"ordered by mistake\"]}},\"required\":[\"order_id\",\"reason\"]}},"
      + "{\"name\":\"refund\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"},"
      + "\"amount\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}},\"required\":[\"order_id\",\"amount\"]}},"
      + "{\"name\":\"transfer_to_human\",\"parameters\":{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},\"required\":[\"summary\"]}}]");
  private static final List<JsonNode> TEMPTING = List.of(NODES.textNode("#W1"), NODES.textNode("#W2"),
      NODES.textNode("#W9"), NODES.numberNode(10), NODES.numberNode(500), NODES.numberNode(50));
  private static final SamplingOptions SHORT = new SamplingOptions(0.8, 1.0, 0, 48);

  private static FakeOpenAiCompatibleServer callingFake;
  private static FakeOpenAiCompatibleServer textFake;

  @BeforeAll
  static void start() {
    int open = TOKENIZER.specials().toolCallOpen();
    callingFake = new FakeOpenAiCompatibleServer(TOKENIZER,
        new FakeSeededLogits(TOKENIZER.vocabSize(), 3, Map.of(open, 30f)), new FakeCallWriter(TEMPTING, 0.3));
    textFake = new FakeOpenAiCompatibleServer(TOKENIZER, new FakeSeededLogits(TOKENIZER.vocabSize(), 4),
        new FakeCallWriter(TEMPTING, 0.3));
  }

  @AfterAll
  static void stop() {
    callingFake.close();
    textFake.close();
  }

  private static RemoteGrammarGenerator generator(FakeOpenAiCompatibleServer fake, String dialect) {
    return new RemoteGrammarGenerator(new RemoteServer(RemoteEndpoint.of(fake.baseUri()), ServerDialect.named(dialect)),
        TOKENIZER, TOOLS, GrammarModeOptions.defaults());
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void everyReturnedCallReadsFitsAndIsAllowed(String dialect) {
    callingFake.reset();
    RemoteGrammarGenerator generator = generator(callingFake, dialect);
    ShopRules oracle = new ShopRules();
    Set<String> stages = new HashSet<>();
    Set<String> called = new HashSet<>();
    int texts = 0;
    int seeds = dialect.equals("vllm") ? 120 : 40;
    for (int seed = 0; seed < seeds; seed++) {
      List<BlockedAttempt> streamed = new ArrayList<>();
      Generation generation = generator.generate(PROMPT, oracle,
          new SamplingOptions(0.8, 1.0, seed, 48), new GenerationListener() {
            @Override
            public void onBlocked(BlockedAttempt attempt) {
              streamed.add(attempt);
            }
          });
      assertEquals(generation.blocked(), streamed, "every blocked attempt is streamed");
      assertTrue(generation.toolCalls().size() <= 1);
      for (ToolCall call : generation.toolCalls()) {
        ToolSchema schema = TOOLS.stream().filter(t -> t.name().equals(call.name())).findFirst().orElseThrow();
        assertTrue(CanonicalJson.conforms(schema.parameters(), call.arguments()), call.toString());
        assertTrue(new ShopRules().decide(call.name(), call.arguments()).allowed(), "denied call returned: " + call);
        called.add(call.name());
      }
      if (generation.toolCalls().isEmpty()) {
        texts++;
        assertFalse(generation.text().contains("<tool_call>"));
      }
      generation.blocked().forEach(b -> stages.add(b.stage()));
      assertEquals(generation.blocked().size(), generation.stats().backtracks());
    }
    assertTrue(stages.contains("malformed") && stages.contains("call"), "both kinds of rejection occur: " + stages);
    assertTrue(called.size() >= 2, "several tools get called: " + called);
    assertFalse(called.contains("transfer_to_human"));
    assertTrue(texts < seeds, "most turns end in a call");
  }

  @Test
  void theRequestOffersOnlyCompletableToolsWithTheAllowedValuesAsEnums() throws Exception {
    callingFake.reset();
    generator(callingFake, "vllm").generate(PROMPT, new ShopRules(), SHORT, GenerationListener.NONE);
    JsonNode body = callingFake.requests().stream().map(FakeOpenAiCompatibleServer.Captured::body)
        .filter(b -> b.has("structured_outputs")).findFirst().orElseThrow();
    int[] prompt = new int[body.get("prompt").size()];
    assertEquals(PROMPT.length + 1, prompt.length);
    assertEquals(TOKENIZER.specials().toolCallOpen(), body.get("prompt").get(PROMPT.length).asInt(),
        "the call is written after the tool-call tag");
    JsonNode schema = body.get("structured_outputs").get("json");
    Set<String> names = new HashSet<>();
    for (JsonNode tool : schema.get("anyOf")) {
      String name = tool.get("properties").get("name").get("const").asText();
      names.add(name);
      JsonNode orderId = tool.get("properties").get("arguments").get("properties").get("order_id");
      if (name.equals("get_order_details")) {
        assertEquals("[\"#W1\",\"#W2\"]", orderId.get("enum").toString());
      }
      if (name.equals("cancel_pending_order")) {
        assertEquals("[\"#W1\"]", orderId.get("enum").toString());
        assertEquals(2, tool.get("properties").get("arguments").get("properties").get("reason").get("enum").size());
      }
    }
    assertEquals(Set.of("get_order_details", "cancel_pending_order", "refund"), names);
    // the choice step came first: one token, the tool-call tag allowed, other specials banned
    JsonNode choice = callingFake.requests().get(0).body();
    assertEquals(1, choice.get("max_tokens").asInt());
    assertFalse(choice.get("logit_bias").has(Integer.toString(TOKENIZER.specials().toolCallOpen())));
    assertTrue(choice.get("logit_bias").has(Integer.toString(TOKENIZER.specials().toolCallClose())));
  }

  @Test
  void aDeadValueLeavesTheEnumAndARepeatedlyDeniedToolLeavesTheOffer() {
    // refund only: the oracle offers #W2 and #W3, but #W3 is dead on its own
    List<ToolSchema> refundOnly = TOOLS.stream().filter(t -> t.name().equals("refund")).toList();
    boolean sawDeadValueRemoved = false;
    for (int seed = 0; seed < 40 && !sawDeadValueRemoved; seed++) {
      callingFake.reset();
      RemoteGrammarGenerator generator = new RemoteGrammarGenerator(
          new RemoteServer(RemoteEndpoint.of(callingFake.baseUri()), ServerDialect.vllm()), TOKENIZER, refundOnly,
          new GrammarModeOptions(4, 3, 256));
      Generation generation = generator.generate(PROMPT, new ShopRules(), new SamplingOptions(0.8, 1.0, seed, 48),
          GenerationListener.NONE);
      List<JsonNode> schemas = callingFake.requests().stream().map(FakeOpenAiCompatibleServer.Captured::body)
          .filter(b -> b.has("structured_outputs")).map(b -> b.get("structured_outputs").get("json")).toList();
      for (int i = 0; i + 1 < schemas.size() && i < generation.blocked().size(); i++) {
        BlockedAttempt blocked = generation.blocked().get(i);
        if (blocked.stage().equals("call") && "#W3".equals(blocked.arguments().get("order_id").asText())) {
          JsonNode next = schemas.get(i + 1).get("anyOf").get(0).get("properties").get("arguments").get("properties")
              .get("order_id");
          assertEquals("[\"#W2\"]", next.get("enum").toString(), "#W3 is gone after its denial");
          sawDeadValueRemoved = true;
        }
      }
    }
    assertTrue(sawDeadValueRemoved, "some seed tried the dead value #W3");

    // a tool denied twice (deniedPerTool 2) is no longer offered: the turn ends in text
    callingFake.reset();
    CallOracle denyRefunds = new ShopRules() {
      @Override
      public Verdict decide(String tool, ObjectNode arguments) {
        return Verdict.deny(List.of("no_refunds_today"), "no refunds today");
      }
    };
    Generation generation = new RemoteGrammarGenerator(
        new RemoteServer(RemoteEndpoint.of(callingFake.baseUri()), ServerDialect.vllm()), TOKENIZER, refundOnly,
        new GrammarModeOptions(10, 2, 256)).generate(PROMPT, denyRefunds, SHORT, GenerationListener.NONE);
    assertTrue(generation.toolCalls().isEmpty());
    long denials = generation.blocked().stream().filter(b -> b.stage().equals("call")).count();
    assertEquals(2, denials, "two denials drop the tool, so there is no third: " + generation.blocked());
    assertFalse(callingFake.lastRequest().body().has("structured_outputs"), "the turn ended in a text request");
    assertTrue(generation.blocked().stream().filter(b -> b.stage().equals("call"))
        .allMatch(b -> b.rules().equals(List.of("no_refunds_today"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void withNothingAllowedTheTurnIsTextWithTheCallTagBanned(String dialect) {
    callingFake.reset();
    CallOracle nothing = new ShopRules() {
      @Override
      public boolean completable(PartialCall call) {
        return false;
      }
    };
    Generation generation = generator(callingFake, dialect).generate(PROMPT, nothing, SHORT, GenerationListener.NONE);
    assertTrue(generation.toolCalls().isEmpty());
    assertTrue(generation.blocked().isEmpty());
    assertEquals(1, callingFake.requests().size(), "no choice step and no call request: one text request");
    JsonNode body = callingFake.lastRequest().body();
    String open = Integer.toString(TOKENIZER.specials().toolCallOpen());
    if (dialect.equals("vllm")) {
      assertEquals(-100.0, body.get("logit_bias").get(open).asDouble());
      assertEquals(48, body.get("max_tokens").asInt());
    } else if (dialect.equals("llama.cpp")) {
      assertEquals("[" + open + ",false]", body.get("logit_bias").get(0).toString());
    } else {
      assertTrue(body.get("sampling_params").get("logit_bias").get(open).asDouble() <= -1000);
    }
    assertFalse(generation.text().isEmpty(), "the boosted tag was banned and text came instead");
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void gbnfGoesInEachDialectsGrammarField(String dialect) {
    callingFake.reset();
    RemoteGrammarGenerator generator = new RemoteGrammarGenerator(
        new RemoteServer(RemoteEndpoint.of(callingFake.baseUri()), ServerDialect.named(dialect)), TOKENIZER, TOOLS,
        GrammarModeOptions.defaults().withSyntax(GrammarModeOptions.Syntax.GBNF));
    // the fake interprets JSON Schema only: it refuses a grammar, which must surface as an HTTP error
    RemoteServerException.HttpStatus refused = assertThrows(RemoteServerException.HttpStatus.class,
        () -> generator.generate(PROMPT, new ShopRules(), SHORT, GenerationListener.NONE));
    assertEquals(400, refused.status());
    JsonNode body = callingFake.lastRequest().body();
    String grammar = dialect.equals("vllm") ? body.get("structured_outputs").get("grammar").asText()
        : dialect.equals("llama.cpp") ? body.get("grammar").asText()
        : body.get("sampling_params").get("ebnf").asText();
    assertTrue(grammar.startsWith("root ::= "), grammar);
    assertTrue(grammar.contains("get_order_details") && grammar.contains("refund"), grammar);
    assertTrue(grammar.contains("#W1") && !grammar.contains("transfer_to_human"), grammar);
  }

  @Test
  void aModelThatChoosesTextGetsATextTurnWithoutCallRequests() {
    textFake.reset();
    Generation generation = generator(textFake, "vllm").generate(PROMPT, new ShopRules(), SHORT, GenerationListener.NONE);
    assertTrue(generation.toolCalls().isEmpty());
    assertTrue(textFake.requests().stream().noneMatch(r -> r.body().has("structured_outputs")));
    assertEquals(2, textFake.requests().size(), "the choice step, then the text");
  }

  @Test
  void serverFailuresInGrammarModeThrowAndReturnNothing() {
    RemoteGrammarGenerator generator = generator(callingFake, "llama.cpp");
    List<ToolCall> emitted = new ArrayList<>();
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onToolCall(ToolCall call) {
        emitted.add(call);
      }
    };
    callingFake.reset();
    // the choice step is answered, the call request fails
    callingFake.inject(Fault.NONE, Fault.HTTP_500);
    RemoteServerException.HttpStatus status = assertThrows(RemoteServerException.HttpStatus.class,
        () -> generator.generate(PROMPT, new ShopRules(), SHORT, listener));
    assertEquals(500, status.status());
    callingFake.reset();
    callingFake.inject(Fault.NONE, Fault.GARBAGE_JSON);
    assertThrows(RemoteServerException.BadResponse.class,
        () -> generator.generate(PROMPT, new ShopRules(), SHORT, listener));
    assertTrue(emitted.isEmpty());
    callingFake.reset();
  }
}
