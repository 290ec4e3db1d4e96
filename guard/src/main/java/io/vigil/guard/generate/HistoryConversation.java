package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ToolCall;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The conversation the model sees, read off the session's history: messages as turns, each tool
 * call as an assistant turn that makes it, each result as a tool turn. The policy sees the same
 * events, so what the model is told and what is enforced cannot drift apart.
 */
public final class HistoryConversation {
  private HistoryConversation() {}

  public static List<ChatMessage> of(History history, String systemPrompt) {
    List<ChatMessage> out = new ArrayList<>();
    if (systemPrompt != null && !systemPrompt.isBlank()) {
      out.add(ChatMessage.of(ChatMessage.Role.SYSTEM, systemPrompt));
    }
    for (Event event : history.events()) {
      if (event instanceof Event.UserMessage m) {
        out.add(ChatMessage.of(ChatMessage.Role.USER, m.text()));
      } else if (event instanceof Event.AssistantMessage m) {
        out.add(ChatMessage.of(ChatMessage.Role.ASSISTANT, m.text()));
      } else if (event instanceof Event.ToolCall call) {
        out.add(new ChatMessage(ChatMessage.Role.ASSISTANT, "", List.of(new ToolCall(call.tool(), arguments(call.args())))));
      } else if (event instanceof Event.ToolResult result) {
        String content = result.ok()
            ? result.output().map(Json::render).orElse("null")
            : "Error: " + result.error().orElse("");
        out.add(ChatMessage.of(ChatMessage.Role.TOOL, content));
      }
    }
    return out;
  }

  static ObjectNode arguments(Map<String, Value> args) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    args.forEach((name, value) -> node.set(name, Json.toNode(value)));
    return node;
  }
}
