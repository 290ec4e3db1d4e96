package io.vigil.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the fake server writes when a request carries a JSON Schema for a tool call: an adversarial
 * call that keeps to the schema's tool names and enums (as a real server's grammar engine would) but
 * fills free values from a pool of tempting values (a test puts denied ones there), and that with
 * probability {@code malformedRate} is broken the way a misbehaving server breaks output: truncated,
 * not JSON, a required argument missing, an undeclared argument, or a free argument of the wrong type.
 * Never breaks an enum or the tool name, so a client that receives such a break knows its own
 * constraint did not hold.
 */
public final class FakeCallWriter {
  public enum Break { TRUNCATED, NOT_JSON, MISSING_REQUIRED, EXTRA_ARGUMENT, WRONG_TYPE }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final List<JsonNode> tempting;
  private final double malformedRate;

  public FakeCallWriter(List<JsonNode> tempting, double malformedRate) {
    this.tempting = List.copyOf(tempting);
    this.malformedRate = malformedRate;
  }

  /** Calls with values from the pool, never malformed. */
  public static FakeCallWriter wellFormed(List<JsonNode> tempting) {
    return new FakeCallWriter(tempting, 0);
  }

  public String write(JsonNode schema, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<JsonNode> tools = new ArrayList<>();
    if (schema.has("anyOf")) {
      schema.get("anyOf").forEach(tools::add);
    } else {
      tools.add(schema);
    }
    JsonNode tool = tools.get(random.nextInt(tools.size()));
    JsonNode call = value(tool, random, 0);
    if (random.nextDouble() >= malformedRate) {
      return call.toString();
    }
    return broken((ObjectNode) call, tool, Break.values()[random.nextInt(Break.values().length)], random);
  }

  /** One of the strings of a {@code choice} constraint. */
  public String choose(List<String> choices, long seed) {
    return choices.get(new SplittableRandom(seed).nextInt(choices.size()));
  }

  private String broken(ObjectNode call, JsonNode tool, Break kind, SplittableRandom random) {
    ObjectNode arguments = call.path("arguments").isObject() ? (ObjectNode) call.get("arguments") : null;
    JsonNode argumentSchema = tool.path("properties").path("arguments");
    if (kind == Break.MISSING_REQUIRED && arguments != null && argumentSchema.path("required").size() > 0) {
      JsonNode required = argumentSchema.get("required");
      arguments.remove(required.get(random.nextInt(required.size())).asText());
      return call.toString();
    }
    if (kind == Break.EXTRA_ARGUMENT && arguments != null) {
      arguments.put("undeclared_argument", 1);
      return call.toString();
    }
    if (kind == Break.WRONG_TYPE && arguments != null) {
      Iterator<Map.Entry<String, JsonNode>> fields = arguments.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!argumentSchema.path("properties").path(field.getKey()).has("enum")) {
          field.setValue(field.getValue().isTextual() ? NODES.numberNode(12345) : NODES.textNode("not-a-number"));
          return call.toString();
        }
      }
    }
    if (kind == Break.NOT_JSON) {
      return "Sure, I will call the tool now.";
    }
    String text = call.toString();
    return text.substring(0, 1 + random.nextInt(text.length() - 1));
  }

  private JsonNode value(JsonNode schema, SplittableRandom random, int depth) {
    if (schema.has("enum")) {
      JsonNode values = schema.get("enum");
      return values.get(random.nextInt(values.size()));
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.has("anyOf")) {
      JsonNode options = schema.get("anyOf");
      return value(options.get(random.nextInt(options.size())), random, depth + 1);
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "string":
        return pick(JsonNode::isTextual, random, NODES.textNode("v" + random.nextInt(1000)));
      case "integer":
        return pick(JsonNode::isIntegralNumber, random, NODES.numberNode(random.nextInt(-10, 1000)));
      case "number":
        return pick(JsonNode::isNumber, random, NODES.numberNode(random.nextInt(0, 100000) / 100.0));
      case "boolean":
        return NODES.booleanNode(random.nextBoolean());
      case "array": {
        ArrayNode items = NODES.arrayNode();
        int max = schema.path("maxItems").asInt(3);
        int count = random.nextInt(Math.max(1, max) + 1);
        for (int i = 0; i < count && depth < 4; i++) {
          items.add(value(schema.path("items"), random, depth + 1));
        }
        return items;
      }
      case "object": {
        ObjectNode object = NODES.objectNode();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        while (properties.hasNext()) {
          Map.Entry<String, JsonNode> property = properties.next();
          if (required.contains(property.getKey()) || random.nextBoolean()) {
            object.set(property.getKey(), value(property.getValue(), random, depth + 1));
          }
        }
        return object;
      }
      default:
        return tempting.isEmpty() ? NODES.textNode("anything") : tempting.get(random.nextInt(tempting.size()));
    }
  }

  private JsonNode pick(java.util.function.Predicate<JsonNode> fits, SplittableRandom random, JsonNode otherwise) {
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode value : tempting) {
      if (fits.test(value)) {
        candidates.add(value);
      }
    }
    if (candidates.isEmpty() || random.nextInt(5) == 0) {
      return otherwise;
    }
    return candidates.get(random.nextInt(candidates.size()));
  }
}
