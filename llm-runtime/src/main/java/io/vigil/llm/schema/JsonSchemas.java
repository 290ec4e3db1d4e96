package io.vigil.llm.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.schema.ValueSchema.AnySchema;
import io.vigil.llm.schema.ValueSchema.ArraySchema;
import io.vigil.llm.schema.ValueSchema.BooleanSchema;
import io.vigil.llm.schema.ValueSchema.NumberSchema;
import io.vigil.llm.schema.ValueSchema.ObjectSchema;
import io.vigil.llm.schema.ValueSchema.Property;
import io.vigil.llm.schema.ValueSchema.StringSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tool schemas to and from the JSON Schema of OpenAI-style tool definitions
 * ({@code {"type":"function","function":{"name","description","parameters"}}}).
 */
public final class JsonSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonSchemas() {}

  /** Reads a JSON array of tool definitions (or a single one); the wrapper {@code {"type":"function"}} is optional. */
  public static List<ToolSchema> readTools(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (Exception e) {
      throw new SchemaException("tools are not valid JSON: " + e.getMessage());
    }
    List<ToolSchema> tools = new ArrayList<>();
    if (root != null && root.isArray()) {
      for (JsonNode tool : root) {
        tools.add(tool(tool));
      }
    } else if (root != null && root.isObject()) {
      tools.add(tool(root));
    } else {
      throw new SchemaException("tools must be a JSON array of tool definitions");
    }
    return tools;
  }

  public static ToolSchema tool(JsonNode definition) {
    JsonNode function = definition.has("function") ? definition.get("function") : definition;
    String name = function.path("name").asText("");
    if (name.isEmpty()) {
      throw new SchemaException("a tool definition has no name: " + definition);
    }
    JsonNode parameters = function.path("parameters");
    ValueSchema schema = parameters.isMissingNode() ? new ObjectSchema(List.of()) : value(parameters, name);
    if (!(schema instanceof ObjectSchema object)) {
      throw new SchemaException("the parameters of tool '" + name + "' must be an object schema");
    }
    return new ToolSchema(name, function.path("description").asText(""), object);
  }

  /** One JSON Schema node; {@code where} names it in errors. */
  public static ValueSchema value(JsonNode node, String where) {
    if (node.has("enum")) {
      List<String> values = new ArrayList<>();
      for (JsonNode v : node.get("enum")) {
        if (!v.isTextual()) {
          throw new SchemaException(where + ": only string enums are supported, got " + v);
        }
        values.add(v.asText());
      }
      return new StringSchema(values);
    }
    String type = node.path("type").asText("");
    switch (type) {
      case "string":
        return StringSchema.any();
      case "number":
        return new NumberSchema(false);
      case "integer":
        return new NumberSchema(true);
      case "boolean":
        return new BooleanSchema();
      case "array":
        return new ArraySchema(node.has("items") ? value(node.get("items"), where + "[]") : new AnySchema(),
            node.path("maxItems").asInt(0));
      case "object": {
        Set<String> required = new HashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        List<Property> properties = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          properties.add(new Property(field.getKey(), value(field.getValue(), where + "." + field.getKey()),
              required.contains(field.getKey())));
        }
        return new ObjectSchema(properties);
      }
      case "":
        return new AnySchema();
      default:
        throw new SchemaException(where + ": unsupported JSON Schema type '" + type + "'");
    }
  }

  public static ObjectNode toJson(ToolSchema tool) {
    ObjectNode function = NODES.objectNode();
    function.put("name", tool.name());
    if (!tool.description().isEmpty()) {
      function.put("description", tool.description());
    }
    function.set("parameters", toJson(tool.parameters()));
    ObjectNode wrapper = NODES.objectNode();
    wrapper.put("type", "function");
    wrapper.set("function", function);
    return wrapper;
  }

  public static ObjectNode toJson(ValueSchema schema) {
    ObjectNode node = NODES.objectNode();
    if (schema instanceof StringSchema s) {
      node.put("type", "string");
      if (!s.enumValues().isEmpty()) {
        ArrayNode values = node.putArray("enum");
        s.enumValues().forEach(values::add);
      }
    } else if (schema instanceof NumberSchema n) {
      node.put("type", n.integer() ? "integer" : "number");
    } else if (schema instanceof BooleanSchema) {
      node.put("type", "boolean");
    } else if (schema instanceof ArraySchema a) {
      node.put("type", "array");
      node.set("items", toJson(a.items()));
      if (a.maxItems() > 0) {
        node.put("maxItems", a.maxItems());
      }
    } else if (schema instanceof ObjectSchema o) {
      node.put("type", "object");
      ObjectNode properties = node.putObject("properties");
      ArrayNode required = NODES.arrayNode();
      for (Property p : o.properties()) {
        properties.set(p.name(), toJson(p.schema()));
        if (p.required()) {
          required.add(p.name());
        }
      }
      node.set("required", required);
      node.put("additionalProperties", false);
    }
    return node;
  }
}
