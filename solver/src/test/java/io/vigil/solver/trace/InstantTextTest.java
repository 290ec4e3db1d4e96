package io.vigil.solver.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link InstantText} writes exactly what {@link Instant#toString()} writes. */
class InstantTextTest {

  @Property(tries = 20_000)
  void agreesWithInstantToString(@ForAll("instants") Instant instant) {
    assertEquals(instant.toString(), InstantText.of(instant));
  }

  @Test
  void theCachedSecondIsNotReusedForAnotherSecond() {
    Instant a = Instant.parse("2026-12-04T20:10:33.123Z");
    assertEquals("2026-12-04T20:10:33.123Z", InstantText.of(a));
    assertEquals("2026-12-04T20:10:34Z", InstantText.of(a.plusMillis(877)));
    assertEquals("2026-12-04T20:10:33.000456Z", InstantText.of(Instant.parse("2026-12-04T20:10:33.000456Z")));
    assertEquals("+10000-01-01T00:00:00Z", InstantText.of(Instant.parse("+10000-01-01T00:00:00Z")));
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(
        Arbitraries.longs().between(-62_167_219_200L - 86_400 * 400, 253_402_300_799L + 86_400 * 400),
        Arbitraries.longs().between(1_700_000_000L, 1_700_000_005L)); // few seconds: the cache is hit
    Arbitrary<Integer> nanos = Arbitraries.oneOf(
        Arbitraries.just(0),
        Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }
}
