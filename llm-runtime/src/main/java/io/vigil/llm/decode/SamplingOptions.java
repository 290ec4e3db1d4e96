package io.vigil.llm.decode;

/**
 * Seeded sampling over the masked logits. Temperature 0 means greedy; {@code topP} 1 keeps the whole
 * distribution. The same seed, model and prompt give the same output.
 */
public record SamplingOptions(double temperature, double topP, long seed, int maxTokens) {
  public SamplingOptions {
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("max_tokens must be positive, got " + maxTokens);
    }
  }

  public static SamplingOptions seeded(long seed) {
    return new SamplingOptions(0.8, 0.95, seed, 512);
  }
}
