package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tool as a grammar-mode request offers it: its declared schema, with some parameters confined
 * to the values the policy allows there ({@code confined}; an empty list: the parameter must be left
 * out), and the check that a returned call keeps to it.
 */
record ToolConstraint(ToolSchema tool, Map<String, List<JsonNode>> confined) {
  ToolConstraint {
    confined = Map.copyOf(confined);
  }

  String name() {
    return tool.name();
  }

  /**
   * The tool as the export renders it: parameters confined to no value at all are left out of the
   * schema (they may not appear), since an empty enum is a grammar some servers refuse to compile.
   */
  ToolSchema renderedTool() {
    List<ValueSchema.Property> kept = new ArrayList<>();
    for (ValueSchema.Property p : tool.parameters().properties()) {
      List<JsonNode> values = confined.get(p.name());
      if (values == null || !values.isEmpty()) {
        kept.add(p);
      }
    }
    return new ToolSchema(tool.name(), tool.description(), new ValueSchema.ObjectSchema(kept));
  }

  /** The confined parameters that keep at least one value. */
  Map<String, List<JsonNode>> enums() {
    Map<String, List<JsonNode>> enums = new HashMap<>();
    confined.forEach((param, values) -> {
      if (!values.isEmpty()) {
        enums.put(param, values);
      }
    });
    return enums;
  }

  /** Why {@code arguments} is not a call this constraint admits; empty when it is one. */
  Optional<String> violation(ObjectNode arguments) {
    if (!CanonicalJson.conforms(tool.parameters(), arguments)) {
      return Optional.of("the arguments do not match the schema of " + tool.name() + ": " + arguments);
    }
    for (Map.Entry<String, List<JsonNode>> entry : confined.entrySet()) {
      JsonNode value = arguments.get(entry.getKey());
      if (value != null && entry.getValue().stream().noneMatch(allowed -> sameJson(allowed, value))) {
        return Optional.of(entry.getKey() + " = " + value + " is outside the values the request allowed "
            + entry.getValue() + " (the server did not keep to the constraint)");
      }
    }
    return Optional.empty();
  }

  /** This constraint without {@code value} among the allowed values of {@code param}; empty when a required parameter has none left. */
  Optional<ToolConstraint> without(String param, JsonNode value) {
    List<JsonNode> values = confined.get(param);
    if (values == null) {
      return Optional.of(this);
    }
    List<JsonNode> left = new ArrayList<>();
    for (JsonNode allowed : values) {
      if (!sameJson(allowed, value)) {
        left.add(allowed);
      }
    }
    if (left.isEmpty() && required(param)) {
      return Optional.empty();
    }
    Map<String, List<JsonNode>> narrower = new HashMap<>(confined);
    narrower.put(param, left);
    return Optional.of(new ToolConstraint(tool, narrower));
  }

  boolean required(String param) {
    return tool.parameters().property(param).map(ValueSchema.Property::required).orElse(false);
  }

  /** JSON equality where 5 and 5.0 are the same number. */
  static boolean sameJson(JsonNode a, JsonNode b) {
    return a.equals((x, y) -> {
      if (x.equals(y)) {
        return 0;
      }
      if (x.isNumber() && y.isNumber()) {
        return x.decimalValue().compareTo(y.decimalValue());
      }
      return 1;
    }, b);
  }
}
