package io.vigil.solver.trace;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** ISO-8601 / RFC 3339 text to seconds since the epoch. A timestamp without a zone is read as UTC. */
public final class Timestamps {
  private Timestamps() {}

  public static Optional<BigDecimal> parseSeconds(String text) {
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
}
