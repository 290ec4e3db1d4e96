package io.vigil.guard.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.TraceFormatException;
import io.vigil.solver.trace.TraceReader;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks an event (trace JSON, see docs/language.md) against the tool declarations of a policy
 * and turns it into a solver {@link Event}. Errors name the request field as the proto spells it,
 * under {@code field} ({@code call}, {@code events[3]}): {@code .tool}, {@code .args_json},
 * {@code .output_json}, {@code .time}.
 */
public final class EventValidator {
  private EventValidator() {}

  public static Event event(Policy policy, ObjectNode json, String field) {
    String type = json.path("type").asText();
    boolean isCall = type.equals("tool_call");
    boolean isResult = type.equals("tool_result");
    String prefix = isCall && !field.equals("call") ? field + ".tool_call" : isResult ? field + ".tool_result" : field;
    if (isCall || isResult) {
      String tool = json.path("tool").asText("");
      if (tool.isEmpty()) {
        throw GuardException.invalid(prefix + ".tool", "missing");
      }
      Policy.ToolDecl decl = policy.tool(tool).orElseThrow(() -> GuardException.invalid(prefix + ".tool",
          "unknown tool '" + tool + "': policy " + policy.name() + " declares "
              + policy.tools().stream().map(Policy.ToolDecl::name).collect(Collectors.joining(", "))));
      if (isCall) {
        checkArgs(decl, json.get("args"), prefix + ".args_json");
      }
    }
    try {
      return TraceReader.event(json, "request", 1);
    } catch (TraceFormatException e) {
      throw GuardException.invalid(prefix, e.getMessage());
    }
  }

  public static Event.ToolCall call(Policy policy, ObjectNode json, String field) {
    Event event = event(policy, json, field);
    if (!(event instanceof Event.ToolCall call)) {
      throw GuardException.invalid(field, "must be a tool call");
    }
    return call;
  }

  private static void checkArgs(Policy.ToolDecl decl, JsonNode args, String field) {
    if (args == null || !args.isObject()) {
      throw GuardException.invalid(field, "must be a JSON object of arguments");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = args.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> arg = fields.next();
      Policy.Param param = decl.param(arg.getKey()).orElseThrow(() -> GuardException.invalid(field,
          "unknown argument '" + arg.getKey() + "' of tool " + decl.name() + " (" + signature(decl) + ")"));
      if (!fits(arg.getValue(), param.type())) {
        throw GuardException.invalid(field, "argument '" + arg.getKey() + "' of tool " + decl.name()
            + " must be a " + param.type() + ", got " + describe(arg.getValue()));
      }
    }
    for (Policy.Param param : decl.params()) {
      if (!args.has(param.name())) {
        throw GuardException.invalid(field, "missing argument '" + param.name() + "' of tool " + decl.name()
            + " (" + signature(decl) + ")");
      }
    }
  }

  static String signature(Policy.ToolDecl decl) {
    return decl.name() + "(" + decl.params().stream().map(p -> p.name() + ": " + p.type())
        .collect(Collectors.joining(", ")) + ")";
  }

  /** Whether a JSON value has a declared type; {@code json} takes anything. */
  public static boolean fits(JsonNode value, Type type) {
    if (type instanceof Type.ListOf list) {
      if (!value.isArray()) {
        return false;
      }
      for (JsonNode element : value) {
        if (!fits(element, list.element())) {
          return false;
        }
      }
      return true;
    }
    switch ((Type.Primitive) type) {
      case STRING:
        return value.isTextual();
      case NUMBER:
        return value.isNumber();
      case BOOL:
        return value.isBoolean();
      default:
        return true;
    }
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    String kind = value.isTextual() ? "a string" : value.isNumber() ? "a number" : value.isBoolean() ? "a bool"
        : value.isNull() ? "null" : value.isArray() ? "a list" : "an object";
    return kind + " (" + shown + ")";
  }
}
