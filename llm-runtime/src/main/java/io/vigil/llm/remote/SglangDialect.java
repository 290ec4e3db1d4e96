package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SGLang's native {@code POST /generate} with {@code input_ids} and {@code sampling_params}.
 *
 * <p>It has no allow list: a step's mask goes as {@code sampling_params.logit_bias} on the banned ids.
 * SGLang adds the bias to the logits without clamping, so a bias of -1e4 makes the ban exact in
 * practice, but it stays a bias: the step model checks the sampled id and stops the generation when a
 * banned one comes back. As with llama.cpp, a mask that allows few tokens makes a long ban list.
 * The sampled id is read from {@code output_ids[0]}, or else from
 * {@code meta_info.output_token_logprobs[0][1]} ({@code return_logprob: true}). Constraints go in
 * {@code sampling_params.json_schema} (a JSON string, not an object) and {@code sampling_params.ebnf};
 * the seed in {@code sampling_params.sampling_seed}.
 */
final class SglangDialect implements ServerDialect {
  static final double BAN_BIAS = -1.0e4;

  @Override
  public String name() {
    return "SGLang";
  }

  @Override
  public String path() {
    return "/generate";
  }

  @Override
  public void putModel(ObjectNode body, String model) {
    // /generate serves the one model the server was launched with and rejects unknown fields
  }

  @Override
  public MaskEncoding encodingFor(TokenMask mask) {
    return mask.bannedCount() == 0 ? MaskEncoding.NONE : MaskEncoding.SOFT_BANS;
  }

  @Override
  public boolean acceptsAllowList() {
    return false;
  }

  @Override
  public ObjectNode nextTokenRequest(int[] tokens, TokenMask mask, MaskEncoding encoding, double temperature,
      double topP, int seed) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("input_ids", WireFields.ids(tokens));
    ObjectNode sampling = samplingParams(body, 1, temperature, topP, seed);
    if (encoding == MaskEncoding.SOFT_BANS) {
      sampling.set("logit_bias", bans(mask.bannedIds()));
    } else if (encoding != MaskEncoding.NONE) {
      throw new IllegalArgumentException("SGLang has no " + encoding + " encoding");
    }
    body.put("return_logprob", true);
    body.put("stream", false);
    return body;
  }

  @Override
  public int chosenToken(JsonNode response) {
    int id = WireFields.firstId(response.path("output_ids"));
    if (id >= 0) {
      return id;
    }
    JsonNode logprob = response.path("meta_info").path("output_token_logprobs").path(0).path(1);
    if (logprob.isIntegralNumber() && logprob.asInt() >= 0) {
      return logprob.asInt();
    }
    throw WireFields.missing(this, "sampled token id (output_ids[0], or meta_info.output_token_logprobs[0][1] "
        + "with return_logprob)", response);
  }

  @Override
  public ObjectNode generateRequest(GenerateRequest request) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("input_ids", WireFields.ids(request.prompt()));
    ObjectNode sampling = samplingParams(body, request.maxTokens(), request.temperature(), request.topP(),
        request.seed());
    if (request.stopTokens().length > 0) {
      sampling.set("stop_token_ids", WireFields.ids(request.stopTokens()));
    }
    if (request.bannedTokens().length > 0) {
      sampling.set("logit_bias", bans(request.bannedTokens()));
    }
    OutputConstraint constraint = request.constraint();
    if (constraint instanceof OutputConstraint.JsonSchema schema) {
      sampling.put("json_schema", schema.schema().toString());
    } else if (constraint instanceof OutputConstraint.Grammar grammar) {
      sampling.put("ebnf", grammar.text());
    }
    body.put("stream", false);
    return body;
  }

  @Override
  public String generatedText(JsonNode response) {
    return WireFields.text(response.path("text"), this, "text", response);
  }

  private static ObjectNode samplingParams(ObjectNode body, int maxTokens, double temperature, double topP, int seed) {
    ObjectNode sampling = body.putObject("sampling_params");
    sampling.put("max_new_tokens", maxTokens);
    sampling.put("temperature", temperature);
    sampling.put("top_p", topP);
    sampling.put("top_k", -1);
    sampling.put("min_p", 0.0);
    sampling.put("sampling_seed", seed);
    return sampling;
  }

  private static ObjectNode bans(int[] ids) {
    ObjectNode bias = WireFields.NODES.objectNode();
    for (int id : ids) {
      bias.put(Integer.toString(id), BAN_BIAS);
    }
    return bias;
  }
}
