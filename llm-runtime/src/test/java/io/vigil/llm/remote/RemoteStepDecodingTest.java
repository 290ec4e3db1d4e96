package io.vigil.llm.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.decode.ConstrainedDecoder;
import io.vigil.llm.decode.DecoderOptions;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ToolCall;
import io.vigil.llm.testing.FakeCallWriter;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer;
import io.vigil.llm.testing.FakeSeededLogits;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The constrained decoder driving a remote server token by token (step mode) through the fake: one
 * request per sampled token, the decoder's masks honoured by the server, and only allowed calls out.
 */
class RemoteStepDecodingTest {
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();
  private static final List<ToolSchema> TOOLS = ShopRules.TOOLS;
  private static final ConstrainedDecoder DECODER = new ConstrainedDecoder(TOKENIZER, TOOLS, DecoderOptions.defaults());
  private static final int[] PROMPT = TOKENIZER.encode(TOKENIZER.chatTemplate().render(
      List.of(ChatMessage.of(ChatMessage.Role.USER, "Please refund order #W2")), TOOLS));
  private static FakeOpenAiCompatibleServer fake;

  @BeforeAll
  static void start() {
    // a random model that opens calls and closes strings and objects readily, so that turns are short
    Map<Integer, Float> boosts = new HashMap<>();
    boosts.put(TOKENIZER.specials().toolCallOpen(), 30f);
    boosts.put(TOKENIZER.specials().endOfTurn(), 6f);
    for (String closing : List.of("\"", "}", "}}", "\"}}", "\",", ",")) {
      int[] ids = TOKENIZER.encodeOrdinary(closing);
      if (ids.length == 1) {
        boosts.put(ids[0], 9f);
      }
    }
    fake = new FakeOpenAiCompatibleServer(TOKENIZER, new FakeSeededLogits(TOKENIZER.vocabSize(), 21, boosts),
        FakeCallWriter.wellFormed(List.of()));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @ParameterizedTest
  @CsvSource({"vllm, 30", "llama.cpp, 2", "sglang, 2"})
  void onlyAllowedCallsComeOutAndEachSampledTokenIsOneRequest(String dialect, int seeds) {
    RemoteServer server = new RemoteServer(RemoteEndpoint.of(fake.baseUri()), ServerDialect.named(dialect));
    ShopRules rules = new ShopRules();
    Set<String> called = new HashSet<>();
    for (int seed = 0; seed < seeds; seed++) {
      Generation generation;
      long requests;
      try (RemoteStepModel model = server.stepModel(TOKENIZER.vocabSize())) {
        generation = DECODER.generate(model, PROMPT, rules, new SamplingOptions(0.7, 1.0, seed, 80),
            GenerationListener.NONE);
        requests = model.requests();
      }
      for (ToolCall call : generation.toolCalls()) {
        ToolSchema schema = TOOLS.stream().filter(t -> t.name().equals(call.name())).findFirst().orElseThrow();
        assertTrue(CanonicalJson.conforms(schema.parameters(), call.arguments()), call.toString());
        assertTrue(rules.decide(call.name(), call.arguments()).allowed(), "denied call returned: " + call);
        called.add(call.name());
      }
      assertTrue(requests <= generation.stats().sampledTokens(),
          "at most one request per sampled token (single-token masks need none): " + requests + " > "
              + generation.stats());
    }
    if (dialect.equals("vllm")) {
      assertTrue(!called.isEmpty(), "some turns end in an allowed call");
    }
  }
}
