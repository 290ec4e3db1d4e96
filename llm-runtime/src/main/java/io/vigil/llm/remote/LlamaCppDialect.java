package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * llama.cpp's server, native {@code POST /completion}.
 *
 * <p>It has no allow list, so a step's mask always goes as bans: {@code logit_bias: [[id, false], ...]},
 * which the server enforces exactly (the token's logit becomes minus infinity). When few tokens are
 * allowed that list is most of the vocabulary, a few MB of JSON per token: correct, but slow; prefer
 * vLLM or grammar mode for such masks. {@code cache_prompt: true} lets the server reuse the KV cache of
 * the previous request, so that re-sending the whole sequence each step costs one token of compute.
 * The sampled id comes back in {@code tokens} ({@code return_tokens: true}), or else in
 * {@code completion_probabilities[0].id} ({@code n_probs: 1}). {@code top_k} and {@code min_p}, whose
 * server defaults are 40 and 0.05, are sent as 0 so that the server samples what the decoder asked.
 * The server stops at the model's end-of-generation tokens; it has no stop-id field.
 */
final class LlamaCppDialect implements ServerDialect {
  @Override
  public String name() {
    return "llama.cpp";
  }

  @Override
  public String path() {
    return "/completion";
  }

  @Override
  public void putModel(ObjectNode body, String model) {
    // read by the server's router mode; a single-model server ignores it
    body.put("model", model);
  }

  @Override
  public MaskEncoding encodingFor(TokenMask mask) {
    return mask.bannedCount() == 0 ? MaskEncoding.NONE : MaskEncoding.HARD_BANS;
  }

  @Override
  public boolean acceptsAllowList() {
    return false;
  }

  @Override
  public ObjectNode nextTokenRequest(int[] tokens, TokenMask mask, MaskEncoding encoding, double temperature,
      double topP, int seed) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("prompt", WireFields.ids(tokens));
    body.put("n_predict", 1);
    putSampling(body, temperature, topP, seed);
    body.put("n_probs", 1);
    body.put("return_tokens", true);
    if (encoding == MaskEncoding.HARD_BANS) {
      body.set("logit_bias", bans(mask.bannedIds()));
    } else if (encoding != MaskEncoding.NONE) {
      throw new IllegalArgumentException("llama.cpp has no " + encoding + " encoding");
    }
    return body;
  }

  @Override
  public int chosenToken(JsonNode response) {
    int id = WireFields.firstId(response.path("tokens"));
    if (id >= 0) {
      return id;
    }
    JsonNode probability = response.path("completion_probabilities").path(0).path("id");
    if (probability.isIntegralNumber() && probability.asInt() >= 0) {
      return probability.asInt();
    }
    throw WireFields.missing(this, "sampled token id (tokens[0] with return_tokens, or "
        + "completion_probabilities[0].id with n_probs)", response);
  }

  @Override
  public ObjectNode generateRequest(GenerateRequest request) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("prompt", WireFields.ids(request.prompt()));
    body.put("n_predict", request.maxTokens());
    putSampling(body, request.temperature(), request.topP(), request.seed());
    if (request.bannedTokens().length > 0) {
      body.set("logit_bias", bans(request.bannedTokens()));
    }
    OutputConstraint constraint = request.constraint();
    if (constraint instanceof OutputConstraint.JsonSchema schema) {
      body.set("json_schema", schema.schema());
    } else if (constraint instanceof OutputConstraint.Grammar grammar) {
      body.put("grammar", grammar.text());
    }
    return body;
  }

  @Override
  public String generatedText(JsonNode response) {
    return WireFields.text(response.path("content"), this, "content", response);
  }

  private static void putSampling(ObjectNode body, double temperature, double topP, int seed) {
    body.put("temperature", temperature);
    body.put("top_p", topP);
    body.put("top_k", 0);
    body.put("min_p", 0.0);
    body.put("seed", seed);
    body.put("cache_prompt", true);
  }

  private static ArrayNode bans(int[] ids) {
    ArrayNode bias = WireFields.NODES.arrayNode(ids.length);
    for (int id : ids) {
      bias.addArray().add(id).add(false);
    }
    return bias;
  }
}
