package io.vigil.solver.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads JSON Lines traces (DESIGN.md section 2). Blank lines are skipped but keep their index. */
public final class TraceReader {
  private TraceReader() {}

  public static Trace read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
  }

  public static Trace parse(String text, String source) {
    List<Trace.Line> lines = new ArrayList<>();
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i].isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(raw[i]);
      } catch (JsonProcessingException e) {
        throw new TraceFormatException(source, i + 1, "", "not valid JSON: " + e.getOriginalMessage());
      }
      lines.add(new Trace.Line(i, event(node, source, i + 1), node));
    }
    return new Trace(source, lines);
  }

  /** One event from its JSON object; {@code line} is 1-based, for messages. */
  public static Event event(JsonNode node, String source, int line) {
    if (!node.isObject()) {
      throw new TraceFormatException(source, line, "", "an event must be a JSON object");
    }
    String type = text(node, "type", source, line, true);
    Optional<BigDecimal> time = time(node, source, line);
    switch (type) {
      case "user_message":
        return new Event.UserMessage(text(node, "text", source, line, true), time);
      case "assistant_message":
        return new Event.AssistantMessage(text(node, "text", source, line, true), time);
      case "tool_call":
        return new Event.ToolCall(
            text(node, "id", source, line, false),
            tool(node, source, line),
            args(node, source, line),
            time);
      case "tool_result":
        boolean hasError = node.has("error") && !node.get("error").isNull();
        JsonNode output = node.get("output");
        if (!hasError && output != null && output.isTextual() && output.textValue().startsWith("Error:")) {
          // tau-bench environments report failures as an output text "Error: ..."
          return new Event.ToolResult(text(node, "id", source, line, false), tool(node, source, line),
              Optional.empty(), Optional.of(output.textValue()), Map.of(), time);
        }
        if (hasError && node.has("output") && !node.get("output").isNull()) {
          throw new TraceFormatException(source, line, "error", "a tool_result carries either output or error, not both");
        }
        return new Event.ToolResult(
            text(node, "id", source, line, false),
            tool(node, source, line),
            hasError ? Optional.empty() : Optional.of(output(node.get("output"))),
            hasError ? Optional.of(errorText(node.get("error"))) : Optional.empty(),
            Map.of(),
            time);
      default:
        throw new TraceFormatException(source, line, "type",
            "unknown event type '" + type + "' (expected user_message, assistant_message, tool_call or tool_result)");
    }
  }

  /**
   * A tool's name, interned: a long-lived session holds one copy of each name instead of one per
   * event (interned strings are collected when nothing uses them).
   */
  private static String tool(JsonNode node, String source, int line) {
    return text(node, "tool", source, line, true).intern();
  }

  private static String text(JsonNode node, String field, String source, int line, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new TraceFormatException(source, line, field, "missing");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new TraceFormatException(source, line, field, "must be a string");
    }
    return value.textValue();
  }

  private static Optional<BigDecimal> time(JsonNode node, String source, int line) {
    JsonNode value = node.get("time");
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new TraceFormatException(source, line, "time", "must be an RFC 3339 string");
    }
    return Optional.of(Timestamps.parseSeconds(value.textValue())
        .orElseThrow(() -> new TraceFormatException(source, line, "time", "not an RFC 3339 timestamp: " + value.textValue())));
  }

  private static Map<String, Value> args(JsonNode node, String source, int line) {
    JsonNode value = node.get("args");
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (value.isTextual()) {
      // Some agent frameworks log arguments as a JSON string.
      try {
        value = Json.MAPPER.readTree(value.textValue());
      } catch (JsonProcessingException e) {
        throw new TraceFormatException(source, line, "args", "a string that is not a JSON object");
      }
    }
    if (!value.isObject()) {
      throw new TraceFormatException(source, line, "args", "must be a JSON object");
    }
    Map<String, Value> args = new LinkedHashMap<>();
    value.fields().forEachRemaining(e -> args.put(e.getKey(), Json.fromNode(e.getValue())));
    return args;
  }

  /** Tool outputs are often JSON serialized into a string; such a string is parsed. */
  static Value output(JsonNode node) {
    if (node == null) {
      return Value.NULL;
    }
    if (node.isTextual()) {
      String s = node.textValue().trim();
      if (s.startsWith("{") || s.startsWith("[")) {
        try {
          return Json.fromNode(Json.MAPPER.readTree(s));
        } catch (JsonProcessingException notJson) {
          return Json.fromNode(node);
        }
      }
    }
    return Json.fromNode(node);
  }

  private static String errorText(JsonNode node) {
    return node.isTextual() ? node.textValue() : node.toString();
  }
}
