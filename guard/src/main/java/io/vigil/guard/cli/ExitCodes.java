package io.vigil.guard.cli;

/** The exit codes every verb uses. */
final class ExitCodes {
  /** Success: policies check, every call allowed, every test passes. */
  static final int OK = 0;
  /** A verdict: a call denied, a test failed, a file not formatted. */
  static final int VERDICT = 1;
  /** Bad usage or input (policy errors, malformed trace), or an engine error. */
  static final int ERROR = 2;

  private ExitCodes() {}
}
