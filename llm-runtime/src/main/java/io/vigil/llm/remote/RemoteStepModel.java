package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.StepModel;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Exact constrained decoding against a remote server: each sampling step is one request for one
 * token with the decoder's allowed set, so the server samples from the model's real distribution
 * restricted to that set, exactly as a local masked sampler would.
 *
 * <p>The token sequence lives here: append and rewind are local, and every request sends the whole
 * sequence. The servers' prefix caches (vLLM's automatic prefix caching, llama.cpp's
 * {@code cache_prompt}, SGLang's radix cache) make that cost one new token of compute, not the prompt.
 *
 * <p>Every sampled id is checked against the mask. When a soft ban (a logit bias) let a banned token
 * through and the server also takes an allow list, the step is asked again with the allow list. When
 * the token is still outside the mask the server is ignoring the constraint, and {@link #next} throws
 * {@link RemoteServerException.ConstraintIgnored}: the decoder aborts and emits nothing. A dead end
 * (backtracking and banning the token) was rejected because a server that ignores masks would make the
 * decoder search blindly and hide a misconfiguration that needs fixing (an old server version, a proxy
 * that drops fields, or a tokenizer that does not match the served model's).
 */
public final class RemoteStepModel implements StepModel {
  private final RemoteServer server;
  private final int vocabSize;
  private int[] tokens = new int[512];
  private int length;
  private long requests;
  private long allowListRetries;

  RemoteStepModel(RemoteServer server, int vocabSize) {
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("the vocabulary size must be positive, got " + vocabSize);
    }
    this.server = server;
    this.vocabSize = vocabSize;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public void append(int... ids) {
    for (int id : ids) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException("token " + id + " is outside the vocabulary of " + vocabSize);
      }
    }
    if (length + ids.length > tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + ids.length));
    }
    System.arraycopy(ids, 0, tokens, length, ids.length);
    length += ids.length;
  }

  @Override
  public void rewind(int newLength) {
    if (newLength < 1 || newLength > length) {
      throw new IllegalArgumentException("cannot rewind to " + newLength + " tokens from " + length);
    }
    length = newLength;
  }

  /** Tokens consumed so far, prompt included. */
  public int[] tokens() {
    return Arrays.copyOf(tokens, length);
  }

  /** Requests sent so far. */
  public long requests() {
    return requests;
  }

  /** Steps asked again with an allow list after a soft ban let a banned token through. */
  public long allowListRetries() {
    return allowListRetries;
  }

  @Override
  public int next(BitSet allowed, SamplingOptions sampling, int step) {
    if (length == 0) {
      throw new IllegalStateException("the step model has no prompt: append the prompt first");
    }
    TokenMask mask = new TokenMask(allowed, vocabSize);
    int chosen;
    if (mask.allowedCount() == 1) {
      // one choice whatever the model says: no request needed
      chosen = allowed.nextSetBit(0);
    } else {
      int seed = RequestSeeds.of(sampling.seed(), step);
      MaskEncoding encoding = server.dialect().encodingFor(mask);
      chosen = ask(mask, encoding, sampling, seed);
      if (!mask.allows(chosen) && !encoding.exact() && server.dialect().acceptsAllowList()) {
        allowListRetries++;
        encoding = MaskEncoding.ALLOW_LIST;
        chosen = ask(mask, encoding, sampling, seed);
      }
      if (!mask.allows(chosen)) {
        throw new RemoteServerException.ConstraintIgnored("the " + server.dialect().name() + " server at "
            + server.endpoint().baseUri() + " sampled token " + chosen + " at position " + length
            + ", which the decoder's mask of " + mask.allowedCount() + " tokens does not allow (sent as "
            + encoding + "); the server ignores the constraint or serves a model whose tokenizer differs "
            + "from the decoder's, so generation stops");
      }
    }
    append(chosen);
    return chosen;
  }

  private int ask(TokenMask mask, MaskEncoding encoding, SamplingOptions sampling, int seed) {
    requests++;
    JsonNode response = server.post(server.dialect().nextTokenRequest(Arrays.copyOf(tokens, length), mask,
        encoding, sampling.temperature(), sampling.topP(), seed));
    return server.dialect().chosenToken(response);
  }

  @Override
  public void close() {
    // the HTTP client belongs to the RemoteServer, shared with other step models
  }
}
