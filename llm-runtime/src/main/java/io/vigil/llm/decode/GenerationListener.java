package io.vigil.llm.decode;

import io.vigil.llm.spi.ToolCall;

/** Streams a generation as it happens: text as it becomes final, calls once allowed, blocked attempts. */
public interface GenerationListener {
  default void onText(String delta) {}

  default void onToolCall(ToolCall call) {}

  default void onBlocked(BlockedAttempt attempt) {}

  GenerationListener NONE = new GenerationListener() {};
}
