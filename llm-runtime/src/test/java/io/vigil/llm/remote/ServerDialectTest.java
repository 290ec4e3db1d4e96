package io.vigil.llm.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.testing.FakeCallWriter;
import io.vigil.llm.testing.FakeOpenAiCompatibleServer;
import io.vigil.llm.testing.FakeSeededLogits;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dialects' multi-token request shapes, the fallbacks for where a server keeps the sampled id,
 * and the fake's strictness: a request that drifts from a documented field is refused, so the
 * contract tests that pass against the fake have teeth.
 */
class ServerDialectTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();
  private static FakeOpenAiCompatibleServer fake;

  @BeforeAll
  static void start() {
    fake = new FakeOpenAiCompatibleServer(TOKENIZER, new FakeSeededLogits(TOKENIZER.vocabSize(), 2),
        FakeCallWriter.wellFormed(List.of()));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static ObjectNode schema() {
    ObjectNode schema = JSON.createObjectNode();
    schema.put("type", "object");
    schema.putObject("properties").putObject("name").putArray("enum").add("get_order_details");
    return schema;
  }

  private static GenerateRequest request(OutputConstraint constraint) {
    return new GenerateRequest(new int[] {1, 2, 3}, constraint, new int[] {9}, new int[] {7}, 0.5, 0.9, 42, 100);
  }

  @Test
  void vllmPutsTheSchemaInStructuredOutputsJson() {
    ObjectNode body = ServerDialect.vllm().generateRequest(request(new OutputConstraint.JsonSchema(schema())));
    assertEquals(schema(), body.get("structured_outputs").get("json"));
    assertEquals(100, body.get("max_tokens").asInt());
    assertEquals(-100.0, body.get("logit_bias").get("9").asDouble());
    assertEquals(7, body.get("stop_token_ids").get(0).asInt());
    ObjectNode grammar = ServerDialect.vllm().generateRequest(request(new OutputConstraint.Grammar("root ::= \"a\"")));
    assertEquals("root ::= \"a\"", grammar.get("structured_outputs").get("grammar").asText());
    assertFalse(ServerDialect.vllm().generateRequest(request(new OutputConstraint.Free())).has("structured_outputs"));
  }

  @Test
  void llamaCppPutsTheSchemaInJsonSchemaAndTheGrammarInGrammar() {
    ObjectNode body = ServerDialect.llamaCpp().generateRequest(request(new OutputConstraint.JsonSchema(schema())));
    assertEquals(schema(), body.get("json_schema"));
    assertEquals(100, body.get("n_predict").asInt());
    assertEquals("[[9,false]]", body.get("logit_bias").toString());
    ObjectNode grammar = ServerDialect.llamaCpp().generateRequest(request(new OutputConstraint.Grammar("root ::= \"a\"")));
    assertEquals("root ::= \"a\"", grammar.get("grammar").asText());
  }

  @Test
  void sglangSendsTheSchemaAsAJsonString() throws Exception {
    ObjectNode body = ServerDialect.sglang().generateRequest(request(new OutputConstraint.JsonSchema(schema())));
    JsonNode sampling = body.get("sampling_params");
    assertTrue(sampling.get("json_schema").isTextual(), "SGLang's json_schema is Optional[str]");
    assertEquals(schema(), json(sampling.get("json_schema").asText()));
    assertEquals(100, sampling.get("max_new_tokens").asInt());
    assertEquals(7, sampling.get("stop_token_ids").get(0).asInt());
    ObjectNode grammar = ServerDialect.sglang().generateRequest(request(new OutputConstraint.Grammar("root ::= \"a\"")));
    assertEquals("root ::= \"a\"", grammar.get("sampling_params").get("ebnf").asText());
  }

  @Test
  void theSampledIdIsReadFromEachDocumentedPlace() throws Exception {
    assertEquals(17, ServerDialect.vllm().chosenToken(json("{\"choices\":[{\"text\":\"x\",\"token_ids\":[17]}]}")));
    assertEquals(18, ServerDialect.vllm().chosenToken(
        json("{\"choices\":[{\"text\":\"x\",\"logprobs\":{\"tokens\":[\"token_id:18\"]}}]}")));
    assertEquals(19, ServerDialect.llamaCpp().chosenToken(json("{\"content\":\"x\",\"tokens\":[19]}")));
    assertEquals(20, ServerDialect.llamaCpp().chosenToken(
        json("{\"content\":\"x\",\"tokens\":[],\"completion_probabilities\":[{\"id\":20,\"logprob\":-0.1}]}")));
    assertEquals(21, ServerDialect.sglang().chosenToken(json("{\"text\":\"x\",\"output_ids\":[21]}")));
    assertEquals(22, ServerDialect.sglang().chosenToken(
        json("{\"text\":\"x\",\"meta_info\":{\"output_token_logprobs\":[[-0.5,22,null]]}}")));
    RemoteServerException.BadResponse e = assertThrows(RemoteServerException.BadResponse.class,
        () -> ServerDialect.vllm().chosenToken(json("{\"choices\":[{\"text\":\"x\",\"logprobs\":{\"tokens\":[\"x\"]}}]}")));
    assertTrue(e.getMessage().contains("token_id:"), e.getMessage());
    assertThrows(RemoteServerException.BadResponse.class, () -> ServerDialect.sglang().generatedText(json("{}")));
  }

  @Test
  void theFakeRefusesFieldsTheServersDoNotDocument() throws Exception {
    RemoteServer vllm = new RemoteServer(RemoteEndpoint.of(fake.baseUri()), ServerDialect.vllm());
    RemoteServerException.HttpStatus removed = assertThrows(RemoteServerException.HttpStatus.class,
        () -> vllm.post((ObjectNode) json("{\"prompt\":[1,2],\"max_tokens\":1,\"guided_json\":{}}")));
    assertEquals(400, removed.status());
    assertTrue(removed.getMessage().contains("guided_json"), removed.getMessage());
    assertThrows(RemoteServerException.HttpStatus.class,
        () -> vllm.post((ObjectNode) json("{\"prompt\":\"text\",\"max_tokens\":1}")));
    assertThrows(RemoteServerException.HttpStatus.class,
        () -> vllm.post((ObjectNode) json("{\"prompt\":[1],\"allowed_token_ids\":[" + TOKENIZER.vocabSize() + "]}")));

    RemoteServer sglang = new RemoteServer(RemoteEndpoint.of(fake.baseUri()), ServerDialect.sglang());
    RemoteServerException.HttpStatus objectSchema = assertThrows(RemoteServerException.HttpStatus.class,
        () -> sglang.post((ObjectNode) json("{\"input_ids\":[1],\"sampling_params\":{\"json_schema\":{}}}")));
    assertTrue(objectSchema.getMessage().contains("string"), objectSchema.getMessage());
    assertThrows(RemoteServerException.HttpStatus.class,
        () -> sglang.post((ObjectNode) json("{\"input_ids\":[1],\"sampling_params\":{\"seed\":3}}")));

    RemoteServer llama = new RemoteServer(RemoteEndpoint.of(fake.baseUri()), ServerDialect.llamaCpp());
    RemoteServerException.HttpStatus defaults = assertThrows(RemoteServerException.HttpStatus.class,
        () -> llama.post((ObjectNode) json("{\"prompt\":[1],\"n_predict\":1}")));
    assertTrue(defaults.getMessage().contains("top_k"), defaults.getMessage());
    assertThrows(RemoteServerException.HttpStatus.class, () -> llama.post((ObjectNode) json(
        "{\"prompt\":[1],\"n_predict\":1,\"top_k\":0,\"min_p\":0,\"logit_bias\":{\"5\":false}}")));
  }

  @Test
  void dialectsAreNamedAsUsersWriteThem() {
    assertEquals("llama.cpp", ServerDialect.named("LlamaCpp").name());
    assertEquals("SGLang", ServerDialect.named("sglang").name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerDialect.named("tgi"));
    assertTrue(e.getMessage().contains("vllm, llama.cpp or sglang"));
  }
}
