package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.grammar.GrammarState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool call being generated: the grammar state, the call's bytes so far (of which the first
 * {@code emitted} are in the model as tokens; the rest are forced bytes waiting to be tokenized),
 * the tool and the argument values complete so far, and the choice points to back out to.
 */
final class CallAttempt {
  /** Model length before {@code <tool_call>}: where the whole attempt is undone. */
  final int openAt;
  /** Whether a call was already made in this turn before this one opened. */
  final boolean afterCall;
  GrammarState state;
  private byte[] bytes = new byte[256];
  private int length;
  int emitted;
  int tool = -1;
  LinkedHashMap<String, JsonNode> known = new LinkedHashMap<>();
  final List<CallChoice> choices = new ArrayList<>();

  CallAttempt(int openAt, boolean afterCall, GrammarState start) {
    this.openAt = openAt;
    this.afterCall = afterCall;
    this.state = start;
  }

  /** A snapshot for backing out to this point; the model is then {@code modelLength} tokens long. */
  record Checkpoint(int modelLength, int emitted, GrammarState state, int length, Map<String, JsonNode> known, int tool) {}

  Checkpoint checkpoint(int modelLength) {
    return new Checkpoint(modelLength, emitted, state, length, new LinkedHashMap<>(known), tool);
  }

  void restore(Checkpoint at) {
    emitted = at.emitted();
    state = at.state();
    length = at.length();
    known = new LinkedHashMap<>(at.known());
    tool = at.tool();
  }

  void append(int b) {
    if (length == bytes.length) {
      bytes = Arrays.copyOf(bytes, length * 2);
    }
    bytes[length++] = (byte) b;
  }

  int length() {
    return length;
  }

  String text(int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }

  byte[] bytes(int from, int to) {
    return Arrays.copyOfRange(bytes, from, to);
  }

  /** The choice point of {@code param} (-1: the tool name), searching from the latest. */
  CallChoice choice(int param) {
    for (int i = choices.size() - 1; i >= 0; i--) {
      if (choices.get(i).param == param) {
        return choices.get(i);
      }
    }
    return null;
  }
}
