package io.vigil.llm.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.testing.FakeCallWriter;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer.Fault;
import io.vigil.llm.testing.FakeSeededLogits;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Step mode against the fake server, per dialect: the request bodies carry the documented fields with
 * the documented types, the sampled token is read back and is always inside the mask, and every way a
 * server can fail ends in a typed exception.
 */
class RemoteStepModelContractTest {
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();
  private static final int VOCAB = TOKENIZER.vocabSize();
  private static final FakeSeededLogits MODEL = new FakeSeededLogits(VOCAB, 11);
  private static FakeOpenAiCompatibleServer fake;
  private static final int[] PROMPT = TOKENIZER.encode("<|im_start|>user\nCancel order #W42<|im_end|>\n<|im_start|>assistant\n");
  private static final SamplingOptions SAMPLING = new SamplingOptions(0.8, 1.0, 5, 64);

  @BeforeAll
  static void start() {
    fake = new FakeOpenAiCompatibleServer(TOKENIZER, MODEL, FakeCallWriter.wellFormed(List.of()));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @BeforeEach
  void clear() {
    fake.reset();
  }

  private static RemoteServer server(String dialect) {
    return new RemoteServer(RemoteEndpoint.of(fake.baseUri()).withTimeout(Duration.ofSeconds(20)),
        ServerDialect.named(dialect));
  }

  private static BitSet only(int... ids) {
    BitSet set = new BitSet();
    for (int id : ids) {
      set.set(id);
    }
    return set;
  }

  private static BitSet allBut(int... ids) {
    BitSet set = new BitSet();
    set.set(0, VOCAB);
    for (int id : ids) {
      set.clear(id);
    }
    return set;
  }

  private static int[] ints(JsonNode array) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      assertTrue(array.get(i).isInt(), "token ids are JSON integers: " + array.get(i));
      ids[i] = array.get(i).asInt();
    }
    return ids;
  }

  @Test
  void vllmSendsAFewAllowedIdsAsAllowedTokenIds() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      int chosen = model.next(only(100, 200, 300, 400, 500), SAMPLING, 0);
      assertTrue(Set.of(100, 200, 300, 400, 500).contains(chosen));
      JsonNode body = fake.lastRequest().body();
      assertEquals("/v1/completions", fake.lastRequest().path());
      assertArrayEquals(PROMPT, ints(body.get("prompt")));
      assertEquals(1, body.get("max_tokens").asInt());
      assertTrue(body.get("max_tokens").isInt());
      assertArrayEquals(new int[] {100, 200, 300, 400, 500}, ints(body.get("allowed_token_ids")));
      assertFalse(body.has("logit_bias"), "one encoding per request");
      assertEquals(1, body.get("logprobs").asInt());
      assertTrue(body.get("return_tokens_as_token_ids").asBoolean());
      assertTrue(body.get("temperature").isNumber() && body.get("top_p").isNumber());
      assertEquals(0.8, body.get("temperature").asDouble());
      assertTrue(body.get("seed").isInt() && body.get("seed").asInt() >= 0);
      assertEquals(-1, body.get("top_k").asInt());
      assertEquals(0.0, body.get("min_p").asDouble());
      assertEquals(1.0, body.get("repetition_penalty").asDouble());
      assertArrayEquals(concat(PROMPT, chosen), model.tokens());
    }
  }

  @Test
  void vllmSendsAFewBannedIdsAsLogitBiasOfMinus100() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      int chosen = model.next(allBut(7, 8, 9), SAMPLING, 0);
      assertFalse(Set.of(7, 8, 9).contains(chosen));
      JsonNode body = fake.lastRequest().body();
      assertFalse(body.has("allowed_token_ids"));
      JsonNode bias = body.get("logit_bias");
      assertEquals(3, bias.size());
      for (String id : List.of("7", "8", "9")) {
        assertEquals(-100.0, bias.get(id).asDouble(), "keys are token ids as strings");
      }
    }
  }

  @Test
  void vllmSendsNoMaskWhenEverythingIsAllowed() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      model.next(allBut(), SAMPLING, 0);
      JsonNode body = fake.lastRequest().body();
      assertFalse(body.has("allowed_token_ids") || body.has("logit_bias"));
    }
  }

  @Test
  void llamaCppBansTheComplementWithFalse() {
    try (RemoteStepModel model = server("llama.cpp").stepModel(VOCAB)) {
      model.append(PROMPT);
      int chosen = model.next(only(1000, 2000, 3000), SAMPLING, 3);
      assertTrue(Set.of(1000, 2000, 3000).contains(chosen));
      assertEquals("/completion", fake.lastRequest().path());
      JsonNode body = fake.lastRequest().body();
      assertArrayEquals(PROMPT, ints(body.get("prompt")));
      assertEquals(1, body.get("n_predict").asInt());
      assertTrue(body.get("cache_prompt").asBoolean());
      assertTrue(body.get("return_tokens").asBoolean());
      assertEquals(1, body.get("n_probs").asInt());
      assertTrue(body.get("seed").isInt());
      assertEquals(0, body.get("top_k").asInt());
      JsonNode bans = body.get("logit_bias");
      assertEquals(VOCAB - 3, bans.size());
      Set<Integer> banned = new HashSet<>();
      for (JsonNode pair : bans) {
        assertEquals(2, pair.size());
        assertTrue(pair.get(0).isInt());
        assertTrue(pair.get(1).isBoolean() && !pair.get(1).asBoolean(), "a ban is [id, false]: " + pair);
        banned.add(pair.get(0).asInt());
      }
      assertFalse(banned.contains(1000) || banned.contains(2000) || banned.contains(3000));
      assertEquals(VOCAB - 3, banned.size());
    }
  }

  @Test
  void sglangSendsInputIdsAndSamplingParams() {
    try (RemoteStepModel model = server("sglang").stepModel(VOCAB)) {
      model.append(PROMPT);
      int chosen = model.next(allBut(5, 6), SAMPLING, 1);
      assertFalse(chosen == 5 || chosen == 6);
      assertEquals("/generate", fake.lastRequest().path());
      JsonNode body = fake.lastRequest().body();
      assertArrayEquals(PROMPT, ints(body.get("input_ids")));
      assertTrue(body.get("return_logprob").asBoolean());
      JsonNode sampling = body.get("sampling_params");
      assertEquals(1, sampling.get("max_new_tokens").asInt());
      assertTrue(sampling.get("sampling_seed").isInt());
      assertEquals(0.8, sampling.get("temperature").asDouble());
      assertEquals(2, sampling.get("logit_bias").size());
      assertTrue(sampling.get("logit_bias").get("5").asDouble() <= -1000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void greedyPicksTheModelsBestAllowedTokenAndEveryDrawStaysInTheMask(String dialect) {
    SplittableRandom random = new SplittableRandom(dialect.hashCode());
    SamplingOptions greedy = new SamplingOptions(0, 1.0, 1, 64);
    try (RemoteStepModel model = server(dialect).stepModel(VOCAB);
        DecodeSession reference = MODEL.open()) {
      model.append(PROMPT);
      float[] logits = reference.append(PROMPT);
      for (int step = 0; step < 4; step++) {
        BitSet allowed = new BitSet();
        // alternate small masks (few allowed) with wide ones (few banned)
        if (step % 2 == 0) {
          random.ints(40, 0, VOCAB).forEach(allowed::set);
        } else {
          allowed.set(0, VOCAB);
          random.ints(40, 0, VOCAB).forEach(allowed::clear);
        }
        int expected = -1;
        for (int id = allowed.nextSetBit(0); id >= 0; id = allowed.nextSetBit(id + 1)) {
          if (expected < 0 || logits[id] > logits[expected]) {
            expected = id;
          }
        }
        int chosen = model.next(allowed, greedy, step);
        assertEquals(expected, chosen, dialect + " step " + step);
        logits = reference.append(chosen);
      }
      // sampled draws differ with the seed but never leave the mask
      Set<Integer> seen = new HashSet<>();
      BitSet wide = new BitSet();
      random.ints(300, 0, VOCAB).forEach(wide::set);
      int length = model.length();
      for (int draw = 0; draw < 8; draw++) {
        model.rewind(length);
        int chosen = model.next(wide, new SamplingOptions(1.0, 1.0, draw, 64), draw);
        assertTrue(wide.get(chosen));
        seen.add(chosen);
      }
      assertTrue(seen.size() > 2, "sampling at temperature 1 varies with the seed: " + seen);
    }
  }

  @Test
  void rewindIsLocalAndTheNextRequestSendsTheRewoundSequence() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      model.append(11, 12, 13);
      long before = fake.requestCount();
      model.rewind(PROMPT.length + 1);
      assertEquals(before, fake.requestCount(), "append and rewind send nothing");
      model.next(only(20, 21), SAMPLING, 0);
      assertArrayEquals(concat(PROMPT, 11), ints(fake.lastRequest().body().get("prompt")));
      assertThrows(IllegalArgumentException.class, () -> model.rewind(0));
      assertThrows(IllegalArgumentException.class, () -> model.rewind(model.length() + 1));
    }
  }

  @Test
  void aSingleAllowedTokenNeedsNoRequest() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      long before = fake.requestCount();
      assertEquals(42, model.next(only(42), SAMPLING, 0));
      assertEquals(before, fake.requestCount());
    }
  }

  @Test
  void sameSeedAndStepDrawTheSameToken() {
    BitSet wide = new BitSet();
    new SplittableRandom(3).ints(500, 0, VOCAB).forEach(wide::set);
    int first;
    int second;
    int otherStep;
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      first = model.next(wide, new SamplingOptions(1.0, 1.0, 99, 64), 4);
      model.rewind(PROMPT.length);
      second = model.next(wide, new SamplingOptions(1.0, 1.0, 99, 64), 4);
      model.rewind(PROMPT.length);
      otherStep = model.next(wide, new SamplingOptions(1.0, 1.0, 99, 64), 5);
    }
    assertEquals(first, second);
    assertNotEquals(RequestSeeds.of(99, 4), RequestSeeds.of(99, 5), "each step has its own seed");
    assertTrue(wide.get(otherStep));
  }

  @Test
  void vllmRetriesWithTheAllowListWhenASoftBanLetsATokenThrough() {
    try (RemoteStepModel model = server("vllm").stepModel(VOCAB)) {
      model.append(PROMPT);
      fake.inject(Fault.IGNORE_CONSTRAINT);
      int chosen = model.next(allBut(3, 4), SAMPLING, 0);
      assertTrue(chosen != 3 && chosen != 4);
      assertEquals(1, model.allowListRetries());
      List<FakeOpenAiCompatibleServer.Captured> requests = fake.requests();
      assertTrue(requests.get(requests.size() - 2).body().has("logit_bias"));
      assertEquals(VOCAB - 2, requests.get(requests.size() - 1).body().get("allowed_token_ids").size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void aServerThatIgnoresAnExactConstraintStopsTheGeneration(String dialect) {
    try (RemoteStepModel model = server(dialect).stepModel(VOCAB)) {
      model.append(PROMPT);
      // vLLM: a small mask goes as allowed_token_ids, so a violation cannot be a soft ban leaking
      fake.inject(Fault.IGNORE_CONSTRAINT);
      RemoteServerException.ConstraintIgnored e = assertThrows(RemoteServerException.ConstraintIgnored.class,
          () -> model.next(only(50, 60, 70), SAMPLING, 0));
      assertTrue(e.getMessage().contains("does not allow"), e.getMessage());
      assertEquals(PROMPT.length, model.length(), "nothing is appended");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void http500IsAnHttpStatusWithTheServersMessage(String dialect) {
    try (RemoteStepModel model = server(dialect).stepModel(VOCAB)) {
      model.append(PROMPT);
      fake.inject(Fault.HTTP_500);
      RemoteServerException.HttpStatus e = assertThrows(RemoteServerException.HttpStatus.class,
          () -> model.next(allBut(1), SAMPLING, 0));
      assertEquals(500, e.status());
      assertTrue(e.getMessage().contains("illegal memory access"), e.getMessage());
      assertTrue(e.getMessage().contains(ServerDialect.named(dialect).name()), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "llama.cpp", "sglang"})
  void garbageAndMissingIdsAreBadResponses(String dialect) {
    try (RemoteStepModel model = server(dialect).stepModel(VOCAB)) {
      model.append(PROMPT);
      fake.inject(Fault.GARBAGE_JSON);
      RemoteServerException.BadResponse garbage = assertThrows(RemoteServerException.BadResponse.class,
          () -> model.next(allBut(1), SAMPLING, 0));
      assertTrue(garbage.getMessage().contains("not JSON"), garbage.getMessage());
      fake.inject(Fault.NO_TOKEN_ID);
      RemoteServerException.BadResponse missing = assertThrows(RemoteServerException.BadResponse.class,
          () -> model.next(allBut(1), SAMPLING, 0));
      assertTrue(missing.getMessage().contains("sampled token id"), missing.getMessage());
      assertEquals(PROMPT.length, model.length());
    }
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsATimeout() {
    fake.hangFor(Duration.ofSeconds(3));
    RemoteServer impatient = new RemoteServer(RemoteEndpoint.of(fake.baseUri()).withTimeout(Duration.ofMillis(300)),
        ServerDialect.vllm());
    try (RemoteStepModel model = impatient.stepModel(VOCAB)) {
      model.append(PROMPT);
      fake.inject(Fault.HANG);
      long start = System.nanoTime();
      RemoteServerException.Timeout e = assertThrows(RemoteServerException.Timeout.class,
          () -> model.next(allBut(1), SAMPLING, 0));
      assertTrue(System.nanoTime() - start < 2_000_000_000L, "the timeout, not the hang, ends the wait");
      assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
    }
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RemoteServer nobody = new RemoteServer(RemoteEndpoint.of(java.net.URI.create("http://127.0.0.1:" + port)),
        ServerDialect.llamaCpp());
    try (RemoteStepModel model = nobody.stepModel(VOCAB)) {
      model.append(PROMPT);
      assertThrows(RemoteServerException.Unreachable.class, () -> model.next(allBut(1), SAMPLING, 0));
    }
  }

  @Test
  void theModelNameAndApiKeyTravelWithVllmRequests() {
    RemoteServer named = new RemoteServer(RemoteEndpoint.of(fake.baseUri()).withModel("Qwen/Qwen3-8B")
        .withApiKey("secret"), ServerDialect.vllm());
    try (RemoteStepModel model = named.stepModel(VOCAB)) {
      model.append(PROMPT);
      model.next(only(1, 2), SAMPLING, 0);
      assertEquals("Qwen/Qwen3-8B", fake.lastRequest().body().get("model").asText());
    }
  }

  private static int[] concat(int[] head, int... tail) {
    int[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}
