package io.vigil.guard.cli;

/** A usage or input problem, reported as one line on stderr with exit code 2. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}
