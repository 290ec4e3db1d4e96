package io.vigil.llm.reference;

import io.vigil.llm.spi.DecodeSession;

/** A sequence decoded by the reference transformer: a KV cache per layer. Not thread-safe. */
final class ReferenceSession implements DecodeSession {
  private final Transformer model;
  private final PromptCache promptCache;
  private KvCache[] caches;

  /** {@code promptCache} may be null (no caching). */
  ReferenceSession(Transformer model, PromptCache promptCache) {
    this.model = model;
    this.promptCache = promptCache;
    this.caches = model.newCaches();
  }

  @Override
  public int length() {
    return open()[0].length();
  }

  @Override
  public float[] append(int... tokens) {
    KvCache[] open = open();
    ModelConfig config = model.config();
    if (tokens == null || tokens.length == 0) {
      throw new IllegalArgumentException("append needs at least one token");
    }
    for (int token : tokens) {
      if (token < 0 || token >= config.vocabSize()) {
        throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + config.vocabSize());
      }
    }
    int before = open[0].length();
    if ((long) before + tokens.length > config.maxPositions()) {
      throw new IllegalArgumentException("sequence of " + (before + tokens.length)
          + " tokens exceeds the model's max_position_embeddings " + config.maxPositions());
    }
    boolean prompt = before == 0 && promptCache != null;
    if (prompt) {
      PromptCache.Entry cached = promptCache.lookup(tokens);
      if (cached != null) {
        for (int layer = 0; layer < open.length; layer++) {
          open[layer] = cached.caches()[layer].copy();
        }
        return cached.logits().clone();
      }
    }
    try {
      float[] logits = model.forward(open, tokens);
      if (prompt) {
        promptCache.store(tokens, open, logits);
      }
      return logits;
    } catch (RuntimeException | Error e) {
      // a half-run forward would leave some layers longer than others
      for (KvCache cache : open) {
        if (cache.length() > before) {
          cache.truncate(before);
        }
      }
      throw e;
    }
  }

  @Override
  public void rewind(int length) {
    KvCache[] open = open();
    if (length < 0 || length > open[0].length()) {
      throw new IllegalArgumentException("cannot rewind a session of " + open[0].length() + " tokens to " + length);
    }
    for (KvCache cache : open) {
      cache.truncate(length);
    }
  }

  @Override
  public void close() {
    caches = null;
  }

  private KvCache[] open() {
    if (caches == null) {
      throw new IllegalStateException("decode session is closed");
    }
    return caches;
  }
}
