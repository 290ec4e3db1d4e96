package io.vigil.llm.spi;

import io.vigil.llm.schema.ToolSchema;
import java.util.List;

/** Renders a conversation and the tools on offer as prompt text that ends where the assistant's turn begins. */
public interface ChatTemplate {
  String render(List<ChatMessage> conversation, List<ToolSchema> tools);
}
