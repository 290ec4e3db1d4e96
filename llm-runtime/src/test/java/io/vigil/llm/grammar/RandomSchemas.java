package io.vigil.llm.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random tool schemas and random argument values that fit them (within the grammar's bounds). */
final class RandomSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] WORDS = {"id", "order_id", "amount", "x", "name", "kind", "é", "a b", "q\"uote", "list"};
  private static final String[] PIECES = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "é", "✓", "日本",
      "\uD83D\uDE00", "#W12", "{", "}", "[", "]", ",", ":", "\u007f", "\uD800"};

  private final Random random;

  RandomSchemas(long seed) {
    this.random = new Random(seed);
  }

  List<ToolSchema> tools() {
    List<ToolSchema> tools = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      tools.add(new ToolSchema("tool_" + i + (random.nextBoolean() ? "x" : ""), "", object(2)));
    }
    return tools;
  }

  ValueSchema.ObjectSchema object(int depth) {
    List<ValueSchema.Property> properties = new ArrayList<>();
    int n = random.nextInt(5);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = WORDS[random.nextInt(WORDS.length)] + (random.nextInt(3) == 0 ? "_" + i : "");
      if (used.contains(name)) {
        continue;
      }
      used.add(name);
      properties.add(new ValueSchema.Property(name, schema(depth), random.nextBoolean()));
    }
    return new ValueSchema.ObjectSchema(properties);
  }

  ValueSchema schema(int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    switch (kind) {
      case 0:
        return ValueSchema.StringSchema.any();
      case 1:
        return new ValueSchema.StringSchema(List.of("late", "damaged", "lat", "é✓", "with \"quote\"").subList(0, 1 + random.nextInt(5)));
      case 2:
        return new ValueSchema.NumberSchema(random.nextBoolean());
      case 3:
        return new ValueSchema.BooleanSchema();
      case 4:
        return new ValueSchema.AnySchema();
      case 5:
        return ValueSchema.StringSchema.any();
      case 6:
        return new ValueSchema.ArraySchema(schema(depth - 1), random.nextInt(4));
      default:
        return object(depth - 1);
    }
  }

  /** Arguments for {@code tool}: every required property, each optional one with probability 1/2. */
  ObjectNode arguments(ToolSchema tool) {
    return (ObjectNode) value(tool.parameters());
  }

  JsonNode value(ValueSchema schema) {
    if (schema instanceof ValueSchema.StringSchema) {
      List<String> values = ((ValueSchema.StringSchema) schema).enumValues();
      return NODES.textNode(values.isEmpty() ? string() : values.get(random.nextInt(values.size())));
    }
    if (schema instanceof ValueSchema.NumberSchema) {
      return number(((ValueSchema.NumberSchema) schema).integer());
    }
    if (schema instanceof ValueSchema.BooleanSchema) {
      return NODES.booleanNode(random.nextBoolean());
    }
    if (schema instanceof ValueSchema.ArraySchema) {
      ValueSchema.ArraySchema a = (ValueSchema.ArraySchema) schema;
      ArrayNode array = NODES.arrayNode();
      int n = random.nextInt((a.maxItems() > 0 ? a.maxItems() : 5) + 1);
      for (int i = 0; i < n; i++) {
        array.add(value(a.items()));
      }
      return array;
    }
    if (schema instanceof ValueSchema.ObjectSchema) {
      ObjectNode object = NODES.objectNode();
      for (ValueSchema.Property p : ((ValueSchema.ObjectSchema) schema).properties()) {
        if (p.required() || random.nextBoolean()) {
          object.set(p.name(), value(p.schema()));
        }
      }
      return object;
    }
    return any(SchemaNode.ANY_DEPTH);
  }

  private JsonNode any(int depth) {
    int kind = random.nextInt(depth > 0 ? 7 : 5);
    switch (kind) {
      case 0:
        return NODES.textNode(string());
      case 1:
        return number(random.nextBoolean());
      case 2:
        return NODES.booleanNode(random.nextBoolean());
      case 3:
        return NODES.nullNode();
      case 4:
        return NODES.textNode("");
      case 5: {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(any(depth - 1));
        }
        return array;
      }
      default: {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set(string(), any(depth - 1));
        }
        return object;
      }
    }
  }

  private JsonNode number(boolean integer) {
    long whole = random.nextInt(4) == 0 ? random.nextLong() % 1_000_000_000_000_000L : random.nextInt(2000) - 1000;
    if (integer || random.nextBoolean()) {
      return NODES.numberNode(whole);
    }
    return NODES.numberNode((random.nextInt(20000) - 10000) / 16.0);
  }

  String string() {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      out.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return out.toString();
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
