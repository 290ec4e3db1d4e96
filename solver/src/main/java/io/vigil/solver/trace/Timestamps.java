package io.vigil.solver.trace;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * ISO-8601 / RFC 3339 text to seconds since the epoch. A timestamp without a zone is read as UTC.
 * java.time decides what is a timestamp; the common shapes ({@code 2024-05-15T15:00:00Z}, with a
 * fraction, an offset or no zone) are read by a fast path first, because every checked call and
 * every timestamp a rule reads goes through here and {@code OffsetDateTime.parse} costs
 * microseconds. The fast path gives up (and java.time decides) on anything it does not fully
 * recognise, so both always agree (TimestampsTest).
 */
public final class Timestamps {
  private Timestamps() {}

  public static Optional<BigDecimal> parseSeconds(String text) {
    Instant fast = fastPath(text);
    return fast != null ? Optional.of(seconds(fast)) : parseWithJavaTime(text);
  }

  /** The reference reading, by java.time alone (the fast path must agree with it). */
  static Optional<BigDecimal> parseWithJavaTime(String text) {
    String t = text.trim();
    try {
      return Optional.of(seconds(OffsetDateTime.parse(t).toInstant()));
    } catch (DateTimeParseException ignored) {
      // not zoned; try the zone-less forms below
    }
    try {
      return Optional.of(seconds(LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC)));
    } catch (DateTimeParseException ignored) {
      // not a date-time; maybe a date
    }
    try {
      return Optional.of(seconds(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC)));
    } catch (DateTimeParseException ignored) {
      return Optional.empty();
    }
  }

  public static BigDecimal seconds(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano(), 9))
        .stripTrailingZeros();
  }

  /**
   * {@code YYYY-MM-DD} followed by {@code T} or a space, {@code hh:mm}, optionally {@code :ss} and
   * a fraction of 1-9 digits, then {@code Z}, {@code +hh:mm}, {@code -hh:mm} or nothing (UTC);
   * or a bare date. Null for anything else, out-of-range fields included.
   */
  static Instant fastPath(String t) {
    int n = t.length();
    if (n < 10 || t.charAt(4) != '-' || t.charAt(7) != '-') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    if (n == 10) {
      return Instant.ofEpochSecond(epochDay * 86_400);
    }
    char sep = t.charAt(10);
    if (n < 16 || sep != 'T' && sep != ' ' || t.charAt(13) != ':') {
      return null;
    }
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return null;
    }
    int i = 16;
    int second = 0;
    int nanos = 0;
    if (i < n && t.charAt(i) == ':') {
      second = digits(t, i + 1, 2);
      if (second < 0 || second > 59) {
        return null;
      }
      i += 3;
      if (i < n && t.charAt(i) == '.') {
        int start = ++i;
        while (i < n && i - start < 9 && isDigit(t.charAt(i))) {
          nanos = nanos * 10 + (t.charAt(i) - '0');
          i++;
        }
        int count = i - start;
        if (count == 0 || i < n && isDigit(t.charAt(i))) {
          return null;
        }
        for (int k = count; k < 9; k++) {
          nanos *= 10;
        }
      }
    }
    int offsetSeconds;
    if (i == n) {
      offsetSeconds = 0; // no zone: UTC
    } else if (t.charAt(i) == 'Z' && i + 1 == n) {
      if (sep != 'T') {
        return null; // java.time reads a space only in the zone-less form
      }
      offsetSeconds = 0;
    } else if ((t.charAt(i) == '+' || t.charAt(i) == '-') && i + 6 == n && t.charAt(i + 3) == ':' && sep == 'T') {
      int oh = digits(t, i + 1, 2);
      int om = digits(t, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return null;
      }
      int total = oh * 3600 + om * 60;
      if (total > 18 * 3600) {
        return null;
      }
      offsetSeconds = t.charAt(i) == '+' ? total : -total;
    } else {
      return null;
    }
    long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    try {
      return Instant.ofEpochSecond(epochSecond, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int lengthOfMonth(int year, int month) {
    return LocalDate.of(year, month, 1).lengthOfMonth();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The non-negative number written by {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String t, int from, int count) {
    if (from + count > t.length()) {
      return -1;
    }
    int value = 0;
    for (int k = from; k < from + count; k++) {
      char c = t.charAt(k);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
