package io.vigil.solver.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The fast path of {@link Timestamps} reads exactly what java.time reads, to the same value. */
class TimestampsTest {

  @Property(tries = 20_000)
  void fastPathAgreesWithJavaTime(@ForAll("timestamps") String text) {
    assertEquals(Timestamps.parseWithJavaTime(text), Timestamps.parseSeconds(text), text);
  }

  @Property(tries = 20_000)
  void fastPathAgreesWithJavaTimeOnMutations(@ForAll("mutated") String text) {
    assertEquals(Timestamps.parseWithJavaTime(text), Timestamps.parseSeconds(text), text);
  }

  @Test
  void theCommonShapesTakeTheFastPath() {
    for (String t : List.of("2024-05-15T15:00:00Z", "2024-05-15T15:00:00.123Z", "2024-05-10T06:55:11",
        "2024-05-15 15:00:00", "2024-05-15T15:00-05:00", "2024-05-15", "2024-02-29T00:00:00+14:00")) {
      assertNotNull(Timestamps.fastPath(t), t);
      assertEquals(Timestamps.parseWithJavaTime(t), Timestamps.parseSeconds(t), t);
    }
    assertEquals(0, new BigDecimal("1715785200").compareTo(Timestamps.parseSeconds("2024-05-15T15:00:00Z").orElseThrow()));
  }

  @Test
  void whatTheFastPathDoesNotKnowIsLeftToJavaTime() {
    for (String t : List.of("2023-02-29T00:00:00Z", "2024-05-15T24:00:00Z", "2024-05-15T15:00:60Z",
        "2024-05-15 15:00:00Z", " 2024-05-15T15:00:00Z", "2024-05-15t15:00:00z", "2024-05-15T15:00:00.Z",
        "2024-05-15T15:00:00.1234567891Z", "2024-05-15T15:00:00+05:00:00", "+12024-05-15T15:00:00Z")) {
      assertNull(Timestamps.fastPath(t), t);
      assertEquals(Timestamps.parseWithJavaTime(t), Timestamps.parseSeconds(t), t);
    }
  }

  @Provide
  Arbitrary<String> timestamps() {
    Arbitrary<String> date = Combinators.combine(Arbitraries.integers().between(0, 9999),
        Arbitraries.integers().between(0, 13), Arbitraries.integers().between(0, 32))
        .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
    Arbitrary<String> time = Combinators.combine(Arbitraries.integers().between(0, 25),
        Arbitraries.integers().between(0, 60), Arbitraries.integers().between(-1, 61),
        Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(11))
        .as((h, m, s, frac) -> String.format("%02d:%02d", h, m)
            + (s < 0 ? "" : String.format(":%02d", s) + (frac.isEmpty() ? "" : "." + frac)));
    Arbitrary<String> zone = Arbitraries.oneOf(Arbitraries.of("", "Z", "z", "+00:00", "-00:00", "+18:00", "-18:01",
            "+05:30:00", "+5:30", "UTC"),
        Combinators.combine(Arbitraries.of('+', '-'), Arbitraries.integers().between(0, 19),
            Arbitraries.integers().between(0, 61)).as((sign, h, m) -> String.format("%c%02d:%02d", sign, h, m)));
    Arbitrary<String> separator = Arbitraries.of("T", " ", "t");
    return Arbitraries.oneOf(date,
        Combinators.combine(date, separator, time, zone).as((d, s, t, z) -> d + s + t + z));
  }

  @Provide
  Arbitrary<String> mutated() {
    return Combinators.combine(timestamps(), Arbitraries.integers().between(0, 40),
        Arbitraries.chars().with("0123456789-:+.TZ xa")).as((t, at, c) -> {
          int i = Math.min(at, t.length());
          return at % 2 == 0 ? t.substring(0, i) + c + t.substring(i)
              : t.substring(0, i) + (i + 1 < t.length() ? t.substring(i + 1) : "");
        });
  }
}
