package io.vigil.llm.grammar.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.util.List;

/**
 * The decoder's constraint for one tool call, for servers that enforce it themselves: a JSON Schema
 * of the whole call (for {@code json_schema} / structured outputs), a GBNF grammar (llama.cpp), and a
 * regular expression (vLLM and SGLang regex modes). GBNF and the regex describe exactly the canonical
 * layout the local automaton produces, with the same bounds; the JSON Schema describes the values
 * (servers choose their own layout).
 */
public final class GrammarExport {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GrammarExport() {}

  /** {@code anyOf} over the tools: {@code name} a const, {@code arguments} the tool's schema with allowed values as enums. */
  public static ObjectNode jsonSchema(CallConstraint constraint) {
    ArrayNode anyOf = NODES.arrayNode();
    for (ToolSchema tool : constraint.tools()) {
      ObjectNode arguments = JsonSchemas.toJson(tool.parameters());
      ObjectNode properties = (ObjectNode) arguments.get("properties");
      for (ValueSchema.Property p : tool.parameters().properties()) {
        List<JsonNode> allowed = constraint.allowed(tool.name(), p.name());
        if (allowed != null) {
          ArrayNode values = ((ObjectNode) properties.get(p.name())).putArray("enum");
          allowed.forEach(values::add);
        }
      }
      ObjectNode call = NODES.objectNode();
      call.put("type", "object");
      ObjectNode callProperties = call.putObject("properties");
      callProperties.putObject("name").put("const", tool.name());
      callProperties.set("arguments", arguments);
      call.putArray("required").add("name").add("arguments");
      call.put("additionalProperties", false);
      anyOf.add(call);
    }
    ObjectNode root = NODES.objectNode();
    root.set("anyOf", anyOf);
    return root;
  }

  public static String gbnf(CallConstraint constraint) {
    return GbnfRenderer.render(new CallExpressions(constraint).call());
  }

  public static String regex(CallConstraint constraint) {
    return RegexRenderer.render(new CallExpressions(constraint).call());
  }
}
