package io.vigil.examples;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * A tool or service a test needs from the machine (Docker, python3-grpcio, node, ...). When it is
 * missing the test is skipped, except in CI ({@code CI=true}), where it fails: {@code ./test.sh}
 * installs everything there.
 */
final class Prerequisite {
  private Prerequisite() {}

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  static void require(boolean present, String what) {
    if (present) {
      return;
    }
    String why = what + " (./test.sh installs it on Debian as root)";
    if (inCi()) {
      fail(why + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(why);
  }
}
