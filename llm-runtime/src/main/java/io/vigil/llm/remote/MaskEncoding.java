package io.vigil.llm.remote;

/** How one step's allowed set travels in a request. */
public enum MaskEncoding {
  /** Everything is allowed: no field is sent. */
  NONE,
  /** The allowed ids, which the server treats as a hard mask (vLLM {@code allowed_token_ids}). */
  ALLOW_LIST,
  /** The banned ids with a ban the server enforces exactly (llama.cpp {@code [[id, false]]}). */
  HARD_BANS,
  /**
   * The banned ids with a large negative logit bias: a ban only as long as no banned token's logit
   * beats the allowed ones by more than the bias (vLLM clamps biases to [-100, 100]).
   */
  SOFT_BANS;

  public boolean exact() {
    return this != SOFT_BANS;
  }
}
