package io.vigil.llm.remote;

import java.util.BitSet;

/**
 * The decoder's allowed set for one step over a vocabulary of {@code vocabSize} ids, with both of
 * its encodings on the wire: the allowed ids, or the banned ids (the complement).
 */
public final class TokenMask {
  private final BitSet allowed;
  private final int vocabSize;
  private final int allowedCount;

  public TokenMask(BitSet allowed, int vocabSize) {
    if (allowed.length() > vocabSize) {
      throw new IllegalArgumentException("the mask allows token " + (allowed.length() - 1)
          + ", outside the vocabulary of " + vocabSize);
    }
    this.allowed = (BitSet) allowed.clone();
    this.vocabSize = vocabSize;
    this.allowedCount = allowed.cardinality();
    if (allowedCount == 0) {
      throw new IllegalArgumentException("the mask allows no token");
    }
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int allowedCount() {
    return allowedCount;
  }

  public int bannedCount() {
    return vocabSize - allowedCount;
  }

  public boolean allows(int id) {
    return id >= 0 && id < vocabSize && allowed.get(id);
  }

  public int[] allowedIds() {
    return allowed.stream().toArray();
  }

  public int[] bannedIds() {
    int[] banned = new int[bannedCount()];
    int at = 0;
    for (int id = allowed.nextClearBit(0); id < vocabSize; id = allowed.nextClearBit(id + 1)) {
      banned[at++] = id;
    }
    return banned;
  }
}
