package io.vigil.guard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.session.EventJson;
import io.vigil.guard.session.GuardException;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import io.vigil.solver.trace.InstantText;
import io.vigil.solver.trace.Timestamps;
import java.time.Instant;

/**
 * Proto events to and from the trace JSON the store keeps. Going in, JSON text fields are parsed
 * (errors name the field) and an event without a time gets the time it was received.
 */
final class ProtoEvents {
  private ProtoEvents() {}

  /** A proto event as trace JSON; {@code field} names it in errors ({@code events[2]}). */
  static ObjectNode toJson(Event event, String field, Instant received) {
    ObjectNode json = EventJson.object();
    switch (event.getKindCase()) {
      case USER_MESSAGE:
        json.put("type", "user_message");
        json.put("text", event.getUserMessage().getText());
        break;
      case ASSISTANT_MESSAGE:
        json.put("type", "assistant_message");
        json.put("text", event.getAssistantMessage().getText());
        break;
      case TOOL_CALL:
        callFields(json, event.getToolCall(), field + ".tool_call");
        break;
      case TOOL_RESULT:
        ToolResult result = event.getToolResult();
        String prefix = field + ".tool_result";
        json.put("type", "tool_result");
        if (!result.getId().isEmpty()) {
          json.put("id", result.getId());
        }
        json.put("tool", result.getTool());
        switch (result.getOutcomeCase()) {
          case OUTPUT_JSON:
            json.set("output", parse(result.getOutputJson(), prefix + ".output_json"));
            break;
          case ERROR:
            json.put("error", result.getError());
            break;
          default:
            throw GuardException.invalid(prefix + ".outcome", "set output_json or error");
        }
        break;
      default:
        throw GuardException.invalid(field,
            "no event: set one of user_message, assistant_message, tool_call, tool_result");
    }
    json.put("time", time(event.getTime(), field + ".time", received));
    return json;
  }

  /** A candidate call as trace JSON with its time (the request's, else {@code received}). */
  static ObjectNode callJson(ToolCall call, String time, String field, String timeField, Instant received) {
    ObjectNode json = EventJson.object();
    callFields(json, call, field);
    json.put("time", time(time, timeField, received));
    return json;
  }

  private static void callFields(ObjectNode json, ToolCall call, String field) {
    json.put("type", "tool_call");
    if (!call.getId().isEmpty()) {
      json.put("id", call.getId());
    }
    json.put("tool", call.getTool());
    String args = call.getArgsJson().isBlank() ? "{}" : call.getArgsJson();
    JsonNode parsed = parse(args, field + ".args_json");
    if (!parsed.isObject()) {
      throw GuardException.invalid(field + ".args_json", "must be a JSON object of arguments");
    }
    json.set("args", parsed);
  }

  private static JsonNode parse(String text, String field) {
    try {
      JsonNode node = EventJson.parse(text);
      if (node == null || node.isMissingNode()) {
        throw GuardException.invalid(field, "empty: expected JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw GuardException.invalid(field, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  static String time(String text, String field, Instant received) {
    if (text.isEmpty()) {
      return InstantText.of(received);
    }
    if (Timestamps.parseSeconds(text).isEmpty()) {
      throw GuardException.invalid(field, "not an RFC 3339 time: '" + text + "'");
    }
    return text;
  }

  /** Stored trace JSON back to a proto event. */
  static Event fromJson(ObjectNode json) {
    Event.Builder event = Event.newBuilder();
    if (json.hasNonNull("time")) {
      event.setTime(json.get("time").asText());
    }
    switch (json.path("type").asText()) {
      case "user_message":
        event.setUserMessage(UserMessage.newBuilder().setText(json.path("text").asText()));
        break;
      case "assistant_message":
        event.setAssistantMessage(AssistantMessage.newBuilder().setText(json.path("text").asText()));
        break;
      case "tool_call":
        event.setToolCall(ToolCall.newBuilder()
            .setId(json.path("id").asText(""))
            .setTool(json.path("tool").asText())
            .setArgsJson(json.has("args") ? json.get("args").toString() : "{}"));
        break;
      case "tool_result":
        ToolResult.Builder result = ToolResult.newBuilder()
            .setId(json.path("id").asText(""))
            .setTool(json.path("tool").asText());
        if (json.hasNonNull("error")) {
          result.setError(json.get("error").asText());
        } else {
          result.setOutputJson(json.has("output") ? json.get("output").toString() : "null");
        }
        event.setToolResult(result);
        break;
      default:
        throw new IllegalStateException("stored event of unknown type: " + json);
    }
    return event.build();
  }
}
