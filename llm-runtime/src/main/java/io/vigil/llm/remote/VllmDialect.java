package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * vLLM's OpenAI-compatible {@code POST /v1/completions} with its sampling extensions.
 *
 * <p>A step's mask goes as whichever list is shorter: {@code allowed_token_ids} (a hard mask) when
 * few tokens are allowed, as inside a JSON value with an enum; {@code logit_bias} of -100 on the
 * banned ids when few are banned, as in free text. Request size and the server's per-request mask
 * work grow with the list, and one side is nearly always a handful of ids while the other is most of
 * a 150k-200k vocabulary. The bias is a soft ban (vLLM clamps biases to [-100, 100]), so the step
 * model checks the sampled id and repeats the step with the allow list when a banned id got through.
 *
 * <p>The sampled id comes back as {@code choices[0].logprobs.tokens[0] = "token_id:<id>"}
 * ({@code logprobs: 1} with {@code return_tokens_as_token_ids}); {@code choices[0].token_ids}, which
 * newer versions return with {@code return_token_ids}, is read first when present. Sampling knobs the
 * model's {@code generation_config} may default differently ({@code top_k}, {@code min_p},
 * {@code repetition_penalty}) are sent neutral so that the server samples what the decoder asked.
 */
final class VllmDialect implements ServerDialect {
  static final double BAN_BIAS = -100.0;
  private static final String TOKEN_ID_PREFIX = "token_id:";

  @Override
  public String name() {
    return "vLLM";
  }

  @Override
  public String path() {
    return "/v1/completions";
  }

  @Override
  public void putModel(ObjectNode body, String model) {
    body.put("model", model);
  }

  @Override
  public MaskEncoding encodingFor(TokenMask mask) {
    if (mask.bannedCount() == 0) {
      return MaskEncoding.NONE;
    }
    return mask.allowedCount() <= mask.bannedCount() ? MaskEncoding.ALLOW_LIST : MaskEncoding.SOFT_BANS;
  }

  @Override
  public boolean acceptsAllowList() {
    return true;
  }

  @Override
  public ObjectNode nextTokenRequest(int[] tokens, TokenMask mask, MaskEncoding encoding, double temperature,
      double topP, int seed) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("prompt", WireFields.ids(tokens));
    body.put("max_tokens", 1);
    putSampling(body, temperature, topP, seed);
    body.put("logprobs", 1);
    body.put("return_tokens_as_token_ids", true);
    if (encoding == MaskEncoding.ALLOW_LIST) {
      body.set("allowed_token_ids", WireFields.ids(mask.allowedIds()));
    } else if (encoding == MaskEncoding.SOFT_BANS) {
      body.set("logit_bias", bans(mask.bannedIds()));
    } else if (encoding != MaskEncoding.NONE) {
      throw new IllegalArgumentException("vLLM has no " + encoding + " encoding");
    }
    return body;
  }

  @Override
  public int chosenToken(JsonNode response) {
    JsonNode choice = firstChoice(response);
    int id = WireFields.firstId(choice.path("token_ids"));
    if (id >= 0) {
      return id;
    }
    JsonNode token = choice.path("logprobs").path("tokens").path(0);
    if (token.isTextual() && token.asText().startsWith(TOKEN_ID_PREFIX)) {
      try {
        return Integer.parseInt(token.asText().substring(TOKEN_ID_PREFIX.length()));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw WireFields.missing(this, "sampled token id (choices[0].logprobs.tokens[0] = \"token_id:<id>\"; "
        + "the request set logprobs and return_tokens_as_token_ids)", response);
  }

  @Override
  public ObjectNode generateRequest(GenerateRequest request) {
    ObjectNode body = WireFields.NODES.objectNode();
    body.set("prompt", WireFields.ids(request.prompt()));
    body.put("max_tokens", request.maxTokens());
    putSampling(body, request.temperature(), request.topP(), request.seed());
    if (request.stopTokens().length > 0) {
      body.set("stop_token_ids", WireFields.ids(request.stopTokens()));
    }
    if (request.bannedTokens().length > 0) {
      body.set("logit_bias", bans(request.bannedTokens()));
    }
    OutputConstraint constraint = request.constraint();
    if (constraint instanceof OutputConstraint.JsonSchema schema) {
      body.putObject("structured_outputs").set("json", schema.schema());
    } else if (constraint instanceof OutputConstraint.Grammar grammar) {
      body.putObject("structured_outputs").put("grammar", grammar.text());
    }
    return body;
  }

  @Override
  public String generatedText(JsonNode response) {
    return WireFields.text(firstChoice(response).path("text"), this, "choices[0].text", response);
  }

  private JsonNode firstChoice(JsonNode response) {
    JsonNode choice = response.path("choices").path(0);
    if (!choice.isObject()) {
      throw WireFields.missing(this, "choices[0]", response);
    }
    return choice;
  }

  private static void putSampling(ObjectNode body, double temperature, double topP, int seed) {
    body.put("temperature", temperature);
    body.put("top_p", topP);
    body.put("top_k", -1);
    body.put("min_p", 0.0);
    body.put("repetition_penalty", 1.0);
    body.put("seed", seed);
  }

  private static ObjectNode bans(int[] ids) {
    ObjectNode bias = WireFields.NODES.objectNode();
    for (int id : ids) {
      bias.put(Integer.toString(id), BAN_BIAS);
    }
    return bias;
  }
}
