package io.vigil.llm.spi;

import java.util.List;

/**
 * One message of a conversation. Assistant messages may carry the tool calls they made; tool
 * messages carry a tool's output in {@code content}.
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls) {
  public enum Role { SYSTEM, USER, ASSISTANT, TOOL }

  public ChatMessage {
    content = content == null ? "" : content;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public static ChatMessage of(Role role, String content) {
    return new ChatMessage(role, content, List.of());
  }
}
