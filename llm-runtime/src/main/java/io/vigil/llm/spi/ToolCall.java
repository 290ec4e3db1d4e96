package io.vigil.llm.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A complete tool call: the tool's name and its arguments as a JSON object. */
public record ToolCall(String name, ObjectNode arguments) {}
