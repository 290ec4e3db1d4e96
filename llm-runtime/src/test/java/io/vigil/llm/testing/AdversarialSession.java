package io.vigil.llm.testing;

import io.vigil.llm.spi.DecodeSession;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model that tries to make the decoder emit a given text, typically a tool call the policy
 * denies: every step it puts a large bias on the tokens that continue the target from what has
 * been decoded so far (longer tokens more). Standing alone it is a whole (adversarial) model: the
 * bias on top of seeded noise on every token and a weak prior toward closing JSON strings and
 * ending the turn, so that once its attack is blocked a generation ends in bounded time instead of
 * spelling random 200k-token strings. Wrapping another session it adds only the bias to that
 * model's logits, so that a real backend can be driven toward the target.
 *
 * <p>Rewind-correct: the logits are a function of the token sequence (and the seed) only. The
 * target automaton's state and a hash of the sequence are kept per position and truncated on
 * rewind; the noise at a position is a rotation, chosen by the seed and that hash, of one random
 * vector per vocabulary size (drawing 200k numbers per step would dominate a test's time).
 */
public final class AdversarialSession implements DecodeSession {
  /** Bias of a token that continues the target: far above any noise. */
  public static final float BASE_BIAS = 20f;
  /** Extra bias per byte of target the token covers, so the longest continuation wins. */
  public static final float PER_BYTE_BIAS = 1f;
  /** Amplitude of the standalone noise (uniform in [0, NOISE)). */
  public static final float NOISE = 4f;
  /** Standalone prior of tokens that start with {@code "}: string values stay short. */
  public static final float CLOSER_PRIOR = 9f;
  /** Standalone prior of the end of the turn: below a target continuation, above everything else. */
  public static final float END_PRIOR = 15f;

  private static final Map<Integer, float[]> NOISE_TABLES = new ConcurrentHashMap<>();

  private final AdversarialTarget target;
  private final int vocabSize;
  private final long seed;
  private final DecodeSession inner;
  /** states[i], hashes[i]: after the first i tokens. */
  private int[] states = new int[64];
  private long[] hashes = new long[64];
  private int length;

  private AdversarialSession(AdversarialTarget target, int vocabSize, long seed, DecodeSession inner) {
    this.target = target;
    this.vocabSize = vocabSize;
    this.seed = seed;
    this.inner = inner;
    this.hashes[0] = mix(seed);
  }

  /** A whole adversarial model over the target's tokenizer: bias plus seeded noise. */
  public static AdversarialSession standalone(AdversarialTarget target, long seed) {
    return new AdversarialSession(target, target.index().tokenizer().vocabSize(), seed, null);
  }

  /** {@code inner}'s logits plus the bias toward the target (no noise, no prior: the inner model decides the rest). */
  public static AdversarialSession wrapping(DecodeSession inner, AdversarialTarget target) {
    if (inner.length() != 0) {
      throw new IllegalArgumentException("wrap a fresh session: this one already holds " + inner.length() + " tokens");
    }
    return new AdversarialSession(target, target.index().tokenizer().vocabSize(), 0, inner);
  }

  @Override
  public int length() {
    return length;
  }

  /** How many symbols of the target the decoded text currently ends with (for tests and reports). */
  public int matched() {
    return states[length];
  }

  @Override
  public float[] append(int... tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("append needs at least one token");
    }
    for (int token : tokens) {
      if (token < 0 || token >= vocabSize) {
        throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabSize);
      }
    }
    float[] logits = inner == null ? null : inner.append(tokens);
    ensureCapacity(length + tokens.length + 1);
    for (int token : tokens) {
      states[length + 1] = target.advance(states[length], token);
      hashes[length + 1] = mix(hashes[length] ^ (token + 0x9E3779B97F4A7C15L));
      length++;
    }
    if (logits == null) {
      logits = standalone(hashes[length]);
    }
    target.addBias(states[length], logits, BASE_BIAS, PER_BYTE_BIAS);
    return logits;
  }

  @Override
  public void rewind(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot rewind to " + newLength + " from " + length);
    }
    if (inner != null) {
      inner.rewind(newLength);
    }
    length = newLength;
  }

  @Override
  public void close() {
    if (inner != null) {
      inner.close();
    }
  }

  private float[] standalone(long hash) {
    float[] table = NOISE_TABLES.computeIfAbsent(vocabSize, AdversarialSession::noiseTable);
    int offset = (int) Long.remainderUnsigned(hash, vocabSize);
    float[] logits = new float[vocabSize];
    System.arraycopy(table, offset, logits, 0, vocabSize - offset);
    System.arraycopy(table, 0, logits, vocabSize - offset, offset);
    for (int closer : target.index().stringClosersShared()) {
      logits[closer] += CLOSER_PRIOR;
    }
    logits[target.index().tokenizer().specials().endOfTurn()] += END_PRIOR;
    return logits;
  }

  private static float[] noiseTable(int size) {
    SplittableRandom random = new SplittableRandom(0x5EEDL);
    float[] table = new float[size];
    for (int i = 0; i < size; i++) {
      table[i] = (float) random.nextDouble() * NOISE;
    }
    return table;
  }

  private void ensureCapacity(int needed) {
    if (needed > states.length) {
      int size = Math.max(needed, states.length * 2);
      states = Arrays.copyOf(states, size);
      hashes = Arrays.copyOf(hashes, size);
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
