package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The request and response shapes of one server's native completion endpoint: a one-token request
 * under the decoder's mask (step mode), a multi-token request under a structured-output constraint
 * (grammar mode), and where each answer keeps the sampled token id and the text. All three dialects
 * take the prompt as token ids, so the server never re-tokenizes what the decoder built.
 */
public interface ServerDialect {
  /** For messages: {@code vLLM}, {@code llama.cpp}, {@code SGLang}. */
  String name();

  /** The endpoint both modes post to. */
  String path();

  void putModel(ObjectNode body, String model);

  /** The encoding this dialect prefers for {@code mask}. */
  MaskEncoding encodingFor(TokenMask mask);

  /** Whether {@link MaskEncoding#ALLOW_LIST} can be sent (to retry a step after a soft ban let a token through). */
  boolean acceptsAllowList();

  /** Asks for exactly one token after {@code tokens}, drawn from {@code mask} encoded as {@code encoding}. */
  ObjectNode nextTokenRequest(int[] tokens, TokenMask mask, MaskEncoding encoding, double temperature, double topP, int seed);

  /** The id of the token the server sampled. */
  int chosenToken(JsonNode response);

  ObjectNode generateRequest(GenerateRequest request);

  /** The text the server generated (special tokens left out). */
  String generatedText(JsonNode response);

  static ServerDialect vllm() {
    return new VllmDialect();
  }

  static ServerDialect llamaCpp() {
    return new LlamaCppDialect();
  }

  static ServerDialect sglang() {
    return new SglangDialect();
  }

  /** {@code vllm}, {@code llama.cpp} (or {@code llamacpp}), {@code sglang}; case-insensitive. */
  static ServerDialect named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "vllm":
        return vllm();
      case "llama.cpp":
      case "llamacpp":
      case "llama-cpp":
        return llamaCpp();
      case "sglang":
        return sglang();
      default:
        throw new IllegalArgumentException("unknown server dialect '" + name + "': use vllm, llama.cpp or sglang");
    }
  }
}
