package io.vigil.llm.remote;

/**
 * A multi-token request: continue {@code prompt} (token ids) under {@code constraint}, never sampling
 * {@code bannedTokens}, stopping at any of {@code stopTokens} or after {@code maxTokens}.
 */
public record GenerateRequest(int[] prompt, OutputConstraint constraint, int[] bannedTokens, int[] stopTokens,
    double temperature, double topP, int seed, int maxTokens) {
  public GenerateRequest {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty");
    }
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
    }
    prompt = prompt.clone();
    bannedTokens = bannedTokens.clone();
    stopTokens = stopTokens.clone();
  }
}
