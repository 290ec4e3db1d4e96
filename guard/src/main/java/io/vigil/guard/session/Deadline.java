package io.vigil.guard.session;

import java.util.function.BooleanSupplier;

/** When the caller stops waiting (and whether it already went away). */
public final class Deadline {
  private static final long NONE = Long.MAX_VALUE;
  /** Without a caller deadline, waiting for a busy session gives up after this long. */
  static final long DEFAULT_WAIT_MILLIS = 60_000;

  private final long deadlineNanos;
  private final BooleanSupplier cancelled;

  private Deadline(long deadlineNanos, BooleanSupplier cancelled) {
    this.deadlineNanos = deadlineNanos;
    this.cancelled = cancelled;
  }

  public static Deadline none() {
    return new Deadline(NONE, () -> false);
  }

  /** {@code remainingNanos} null: no deadline. */
  public static Deadline of(Long remainingNanos, BooleanSupplier cancelled) {
    return new Deadline(remainingNanos == null ? NONE : System.nanoTime() + remainingNanos, cancelled);
  }

  public long remainingMillis() {
    if (deadlineNanos == NONE) {
      return DEFAULT_WAIT_MILLIS;
    }
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  public boolean expired() {
    return deadlineNanos != NONE && System.nanoTime() - deadlineNanos >= 0;
  }

  /** Throws DEADLINE_EXCEEDED (or CANCELLED) when the caller is gone. */
  public void check(String what) {
    if (expired()) {
      throw new GuardException(GuardException.Code.DEADLINE_EXCEEDED, "", what);
    }
    if (cancelled.getAsBoolean()) {
      throw new GuardException(GuardException.Code.CANCELLED, "", "the caller cancelled: " + what);
    }
  }
}
