package io.vigil.guard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Trace files (JSON Lines) as proto events, for playing them against the sidecar. */
final class Conversations {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One line of a trace: the event, and for a tool call its expectation ("allow" or "deny"). */
  record Line(Event event, String expect) {
    boolean isCall() {
      return event.hasToolCall();
    }
  }

  private Conversations() {}

  static List<Line> read(Path trace) throws IOException {
    List<Line> lines = new ArrayList<>();
    for (String text : Files.readAllLines(trace)) {
      if (text.isBlank()) {
        continue;
      }
      JsonNode node = MAPPER.readTree(text);
      Event.Builder event = Event.newBuilder();
      switch (node.get("type").asText()) {
        case "user_message":
          event.setUserMessage(UserMessage.newBuilder().setText(node.get("text").asText()));
          break;
        case "assistant_message":
          event.setAssistantMessage(AssistantMessage.newBuilder().setText(node.get("text").asText()));
          break;
        case "tool_call":
          event.setToolCall(ToolCall.newBuilder().setId(node.path("id").asText("")).setTool(node.get("tool").asText())
              .setArgsJson(node.get("args").toString()));
          break;
        default:
          ToolResult.Builder result = ToolResult.newBuilder().setId(node.path("id").asText("")).setTool(node.get("tool").asText());
          if (node.hasNonNull("error")) {
            result.setError(node.get("error").asText());
          } else {
            result.setOutputJson(node.get("output").toString());
          }
          event.setToolResult(result);
      }
      lines.add(new Line(event.build(), node.path("expect").asText("allow")));
    }
    return lines;
  }

  static Path retailTrace(String name) {
    return TestServer.REPO.resolve("examples/retail/tests/" + name + ".jsonl");
  }
}
