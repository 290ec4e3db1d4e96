package io.vigil.dsl.parser;

import java.math.BigDecimal;

/** Duration literals such as {@code 500ms}, {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}. */
public final class Durations {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private Durations() {}

  /** The number of seconds {@code text} stands for; fractional for milliseconds. */
  public static BigDecimal seconds(String text) {
    if (text.endsWith("ms")) {
      return new BigDecimal(text.substring(0, text.length() - 2)).divide(THOUSAND);
    }
    BigDecimal amount = new BigDecimal(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> amount;
      case 'm' -> amount.multiply(BigDecimal.valueOf(60));
      case 'h' -> amount.multiply(BigDecimal.valueOf(3600));
      case 'd' -> amount.multiply(BigDecimal.valueOf(86400));
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }
}
