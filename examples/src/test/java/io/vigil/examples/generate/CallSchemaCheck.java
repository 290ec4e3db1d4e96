package io.vigil.examples.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import io.vigil.llm.spi.ToolCall;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an emitted call is well formed, checked here rather than trusted from the decoder: its
 * JSON text parses back to the same arguments, the tool is offered, every required parameter is
 * there, no other is, and each value has its schema's type.
 */
final class CallSchemaCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CallSchemaCheck() {}

  /** Empty when the call is well formed, else what is wrong. */
  static Optional<String> problem(ToolCall call, List<ToolSchema> tools) {
    ToolSchema tool = tools.stream().filter(t -> t.name().equals(call.name())).findFirst().orElse(null);
    if (tool == null) {
      return Optional.of("tool '" + call.name() + "' is not offered");
    }
    try {
      JsonNode reparsed = JSON.readTree(call.arguments().toString());
      if (!reparsed.equals(call.arguments())) {
        return Optional.of("arguments do not survive a JSON round trip: " + call.arguments());
      }
    } catch (Exception e) {
      return Optional.of("arguments do not parse back: " + e.getMessage());
    }
    return problem(tool.parameters(), call.arguments(), call.name());
  }

  private static Optional<String> problem(ValueSchema schema, JsonNode value, String where) {
    if (schema instanceof ValueSchema.StringSchema s) {
      if (!value.isTextual()) {
        return Optional.of(where + " is not a string: " + value);
      }
      return s.enumValues().isEmpty() || s.enumValues().contains(value.textValue()) ? Optional.empty()
          : Optional.of(where + " is not one of " + s.enumValues());
    }
    if (schema instanceof ValueSchema.NumberSchema n) {
      return value.isNumber() && (!n.integer() || value.canConvertToExactIntegral()) ? Optional.empty()
          : Optional.of(where + " is not a " + (n.integer() ? "integer" : "number") + ": " + value);
    }
    if (schema instanceof ValueSchema.BooleanSchema) {
      return value.isBoolean() ? Optional.empty() : Optional.of(where + " is not a boolean: " + value);
    }
    if (schema instanceof ValueSchema.ArraySchema a) {
      if (!value.isArray() || (a.maxItems() > 0 && value.size() > a.maxItems())) {
        return Optional.of(where + " is not an array of at most " + a.maxItems() + ": " + value);
      }
      for (int i = 0; i < value.size(); i++) {
        Optional<String> inner = problem(a.items(), value.get(i), where + "[" + i + "]");
        if (inner.isPresent()) {
          return inner;
        }
      }
      return Optional.empty();
    }
    if (schema instanceof ValueSchema.ObjectSchema o) {
      if (!value.isObject()) {
        return Optional.of(where + " is not an object: " + value);
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
        String name = fields.next().getKey();
        if (o.property(name).isEmpty()) {
          return Optional.of(where + " has an undeclared property '" + name + "'");
        }
      }
      for (ValueSchema.Property p : o.properties()) {
        JsonNode v = value.get(p.name());
        if (v == null) {
          if (p.required()) {
            return Optional.of(where + " lacks required '" + p.name() + "'");
          }
          continue;
        }
        Optional<String> inner = problem(p.schema(), v, where + "." + p.name());
        if (inner.isPresent()) {
          return inner;
        }
      }
      return Optional.empty();
    }
    return Optional.empty(); // AnySchema
  }
}
