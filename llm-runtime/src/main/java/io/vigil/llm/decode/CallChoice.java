package io.vigil.llm.decode;

import java.util.HashSet;
import java.util.Set;

/**
 * A choice point inside a call: the tool name ({@code param} -1) or one argument's value. Holds where
 * to back out to, what was chosen (the name, or the value's JSON text) and what is banned after
 * earlier backtracks to this point.
 */
final class CallChoice {
  final CallAttempt.Checkpoint at;
  final int param;
  final Set<String> bans = new HashSet<>();
  /** Offset in the call's bytes where the value begins. */
  int valueStart;
  String chosen;
  boolean resolved;

  CallChoice(CallAttempt.Checkpoint at, int param) {
    this.at = at;
    this.param = param;
  }
}
