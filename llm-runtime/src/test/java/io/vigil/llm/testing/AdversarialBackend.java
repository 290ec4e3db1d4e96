package io.vigil.llm.testing;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.LogitsBackend;

/** Opens {@link AdversarialSession}s: standalone with one seed, or around another backend's sessions. */
public final class AdversarialBackend implements LogitsBackend {
  private final AdversarialTarget target;
  private final long seed;
  private final LogitsBackend inner;

  private AdversarialBackend(AdversarialTarget target, long seed, LogitsBackend inner) {
    this.target = target;
    this.seed = seed;
    this.inner = inner;
  }

  public static AdversarialBackend standalone(AdversarialTarget target, long seed) {
    return new AdversarialBackend(target, seed, null);
  }

  public static AdversarialBackend wrapping(LogitsBackend inner, AdversarialTarget target) {
    if (inner.vocabSize() != target.index().tokenizer().vocabSize()) {
      throw new IllegalArgumentException("backend " + inner.name() + " has " + inner.vocabSize()
          + " tokens, the target's tokenizer " + target.index().tokenizer().vocabSize());
    }
    return new AdversarialBackend(target, 0, inner);
  }

  @Override
  public String name() {
    return inner == null ? "adversarial" : "adversarial+" + inner.name();
  }

  @Override
  public int vocabSize() {
    return target.index().tokenizer().vocabSize();
  }

  @Override
  public DecodeSession open() {
    return inner == null ? AdversarialSession.standalone(target, seed) : AdversarialSession.wrapping(inner.open(), target);
  }

  @Override
  public void close() {
    if (inner != null) {
      inner.close();
    }
  }
}
