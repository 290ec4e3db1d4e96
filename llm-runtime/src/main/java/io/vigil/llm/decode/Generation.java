package io.vigil.llm.decode;

import io.vigil.llm.spi.ToolCall;
import java.util.List;

/** The assistant's turn: its text, the tool calls it makes (each allowed by the policy), and what was blocked on the way. */
public record Generation(String text, List<ToolCall> toolCalls, List<BlockedAttempt> blocked, DecodeStats stats) {
  public Generation {
    toolCalls = List.copyOf(toolCalls);
    blocked = List.copyOf(blocked);
  }
}
