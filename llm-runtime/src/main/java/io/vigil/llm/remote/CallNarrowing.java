package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.grammar.export.CallConstraint;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What grammar mode still offers the model, narrowed with the policy's answers: only tools the
 * oracle calls completable, parameters the policy confines to finitely many values turned into
 * enums, and after each denied call the values shown to be dead on their own taken out of those
 * enums; a tool denied {@code deniedPerTool} times is dropped, since the next request could not rule
 * the same call out.
 */
final class CallNarrowing {
  private final OracleQuestions oracle;
  private final int deniedPerTool;
  private final Map<String, ToolConstraint> offered = new LinkedHashMap<>();
  private final Map<String, Integer> denials = new HashMap<>();

  CallNarrowing(List<ToolSchema> tools, OracleQuestions oracle, int deniedPerTool) {
    this.oracle = oracle;
    this.deniedPerTool = deniedPerTool;
    for (ToolSchema tool : tools) {
      narrowed(tool).ifPresent(constraint -> offered.put(tool.name(), constraint));
    }
  }

  private Optional<ToolConstraint> narrowed(ToolSchema tool) {
    PartialCall open = new PartialCall(tool.name(), Map.of(), parameters(tool));
    if (!oracle.completable(open)) {
      return Optional.empty();
    }
    Map<String, List<JsonNode>> confined = new HashMap<>();
    for (ValueSchema.Property property : tool.parameters().properties()) {
      Optional<List<JsonNode>> allowed = oracle.allowedValues(open, property.name());
      if (allowed.isEmpty()) {
        continue;
      }
      List<JsonNode> fitting = new ArrayList<>();
      for (JsonNode value : allowed.get()) {
        // a value the schema itself rules out could never be generated; keep the enum honest
        if (CanonicalJson.conforms(property.schema(), value)) {
          fitting.add(value);
        }
      }
      if (fitting.isEmpty() && property.required()) {
        return Optional.empty();
      }
      confined.put(property.name(), fitting);
    }
    return Optional.of(new ToolConstraint(tool, confined));
  }

  boolean isEmpty() {
    return offered.isEmpty();
  }

  Optional<ToolConstraint> tool(String name) {
    return Optional.ofNullable(offered.get(name));
  }

  List<String> toolNames() {
    return List.copyOf(offered.keySet());
  }

  /** The offer in the form the grammar export renders (JSON Schema, GBNF). */
  CallConstraint constraint() {
    List<ToolSchema> rendered = new ArrayList<>();
    Map<String, Map<String, List<JsonNode>>> allowed = new HashMap<>();
    for (ToolConstraint tool : offered.values()) {
      rendered.add(tool.renderedTool());
      Map<String, List<JsonNode>> enums = tool.enums();
      if (!enums.isEmpty()) {
        allowed.put(tool.name(), enums);
      }
    }
    return new CallConstraint(rendered, allowed);
  }

  /** Narrows after the policy denied {@code arguments} of {@code name}. */
  void denied(String name, ObjectNode arguments) {
    ToolConstraint constraint = offered.get(name);
    if (constraint == null) {
      return;
    }
    if (denials.merge(name, 1, Integer::sum) >= deniedPerTool) {
      offered.remove(name);
      return;
    }
    Set<String> parameters = parameters(constraint.tool());
    for (String param : constraint.confined().keySet()) {
      JsonNode value = arguments.get(param);
      if (value == null) {
        continue;
      }
      Set<String> others = new HashSet<>(parameters);
      others.remove(param);
      if (!oracle.completable(new PartialCall(name, Map.of(param, value), others))) {
        Optional<ToolConstraint> narrower = constraint.without(param, value);
        if (narrower.isEmpty()) {
          offered.remove(name);
          return;
        }
        constraint = narrower.get();
      }
    }
    offered.put(name, constraint);
  }

  private static Set<String> parameters(ToolSchema tool) {
    Set<String> names = new HashSet<>();
    tool.parameters().properties().forEach(p -> names.add(p.name()));
    return names;
  }
}
