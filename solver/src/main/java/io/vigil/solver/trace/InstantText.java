package io.vigil.solver.trace;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * An instant as RFC 3339 text, exactly as {@link Instant#toString()} writes it, without its
 * formatter: the sidecar stamps every decision and every event that comes without a time, and
 * {@code Instant.toString} was most of the decision log's cost. The date and time of day are
 * formatted once per second and reused; only the fraction is written per call.
 */
public final class InstantText {
  /** The text up to the seconds, {@code 2026-12-04T20:10:33}, of the last second formatted. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private InstantText() {}

  public static String of(Instant instant) {
    long second = instant.getEpochSecond();
    Second cached = last;
    if (cached.epochSecond() != second) {
      LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      if (time.getYear() < 0 || time.getYear() > 9999) {
        return instant.toString(); // years that need a sign or more digits: not worth a fast path
      }
      cached = new Second(second, time.toString().length() == 16 ? time + ":00" : time.toString());
      last = cached;
    }
    int nano = instant.getNano();
    if (nano == 0) {
      return cached.text() + 'Z';
    }
    // Instant.toString's fraction: 3, 6 or 9 digits, the fewest that keep the value
    int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    int value = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
    StringBuilder text = new StringBuilder(cached.text().length() + digits + 2).append(cached.text()).append('.');
    for (int scale = digits == 3 ? 100 : digits == 6 ? 100_000 : 100_000_000; scale > 0; scale /= 10) {
      text.append((char) ('0' + value / scale % 10));
    }
    return text.append('Z').toString();
  }
}
