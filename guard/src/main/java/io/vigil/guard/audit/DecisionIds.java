package io.vigil.guard.audit;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique decision ids, in UUID form, without a secure random draw per decision (which takes a
 * lock shared by every request thread): 64 random bits drawn once per process, then a counter.
 * Ids of different processes differ in the random half; they are unique, not unguessable.
 */
public final class DecisionIds {
  private final long processBits = new SecureRandom().nextLong();
  private final AtomicLong counter = new AtomicLong();

  public String next() {
    return new UUID(processBits, counter.incrementAndGet()).toString();
  }
}
