package io.vigil.llm.tokenizer;

import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ChatTemplate;
import io.vigil.llm.spi.ToolCall;
import java.util.List;

/**
 * A ChatML conversation in the Hermes/Qwen tool convention: tools listed as JSON in the system turn,
 * calls written as {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}, tool outputs in
 * turns of their own. Ends with an open assistant turn.
 */
public final class ChatMlTemplate implements ChatTemplate {
  @Override
  public String render(List<ChatMessage> conversation, List<ToolSchema> tools) {
    StringBuilder out = new StringBuilder();
    String system = "";
    int first = 0;
    if (!conversation.isEmpty() && conversation.get(0).role() == ChatMessage.Role.SYSTEM) {
      system = conversation.get(0).content();
      first = 1;
    }
    if (!system.isEmpty() || !tools.isEmpty()) {
      out.append(O200kTokenizer.IM_START).append("system\n").append(system);
      if (!tools.isEmpty()) {
        out.append(system.isEmpty() ? "" : "\n\n")
            .append("Tools you can call, one JSON definition a line:\n<tools>\n");
        for (ToolSchema tool : tools) {
          out.append(JsonSchemas.toJson(tool)).append('\n');
        }
        out.append("</tools>\nTo call a tool, answer with ")
            .append(O200kTokenizer.TOOL_CALL_OPEN)
            .append("{\"name\": <tool name>, \"arguments\": <JSON object>}")
            .append(O200kTokenizer.TOOL_CALL_CLOSE)
            .append("; otherwise answer in plain text.");
      }
      out.append(O200kTokenizer.IM_END).append('\n');
    }
    for (ChatMessage message : conversation.subList(first, conversation.size())) {
      out.append(O200kTokenizer.IM_START).append(message.role().name().toLowerCase()).append('\n')
          .append(message.content());
      for (ToolCall call : message.toolCalls()) {
        out.append(O200kTokenizer.TOOL_CALL_OPEN)
            .append("{\"name\": \"").append(call.name()).append("\", \"arguments\": ")
            .append(call.arguments()).append('}')
            .append(O200kTokenizer.TOOL_CALL_CLOSE);
      }
      out.append(O200kTokenizer.IM_END).append('\n');
    }
    out.append(O200kTokenizer.IM_START).append("assistant\n");
    return out.toString();
  }
}
