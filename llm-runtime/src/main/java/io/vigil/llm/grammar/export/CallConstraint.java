package io.vigil.llm.grammar.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.schema.ToolSchema;
import java.util.List;
import java.util.Map;

/**
 * What a remote server must enforce for one tool call: the declared tools and, per tool and
 * parameter, the finite set of values the policy allows where it confines one (as the decoder gets
 * them from {@code CallOracle.allowedValues}).
 */
public record CallConstraint(List<ToolSchema> tools, Map<String, Map<String, List<JsonNode>>> allowedValues) {
  public CallConstraint {
    tools = List.copyOf(tools);
    allowedValues = Map.copyOf(allowedValues);
  }

  public static CallConstraint of(List<ToolSchema> tools) {
    return new CallConstraint(tools, Map.of());
  }

  /** The allowed values of {@code param} of {@code tool}, or null when the schema alone decides. */
  List<JsonNode> allowed(String tool, String param) {
    Map<String, List<JsonNode>> byParam = allowedValues.get(tool);
    return byParam == null ? null : byParam.get(param);
  }
}
