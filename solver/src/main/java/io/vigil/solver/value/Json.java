package io.vigil.solver.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Conversions between Jackson trees and {@link Value}s. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static Value fromNode(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return Value.ABSENT;
    }
    if (node.isNull()) {
      return Value.NULL;
    }
    if (node.isBoolean()) {
      return Value.of(node.booleanValue());
    }
    if (node.isNumber()) {
      return Value.of(node.decimalValue());
    }
    if (node.isTextual()) {
      return Value.of(node.textValue());
    }
    if (node.isArray()) {
      Value[] elements = new Value[node.size()];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = fromNode(node.get(i));
      }
      return new Value.ListVal(ValueList.of(elements));
    }
    String[] keys = new String[node.size()];
    Value[] values = new Value[keys.length];
    int i = 0;
    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); i++) {
      Map.Entry<String, JsonNode> e = it.next();
      keys[i] = e.getKey();
      values[i] = fromNode(e.getValue());
    }
    return new Value.Obj(Fields.of(keys, values));
  }

  public static JsonNode toNode(Value value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value instanceof Value.Str s) {
      return f.textNode(s.value());
    }
    if (value instanceof Value.Num n) {
      return f.numberNode(n.value());
    }
    if (value instanceof Value.Bool b) {
      return f.booleanNode(b.value());
    }
    if (value instanceof Value.Null) {
      return f.nullNode();
    }
    if (value instanceof Value.ListVal l) {
      ArrayNode array = f.arrayNode();
      l.elements().forEach(e -> array.add(toNode(e)));
      return array;
    }
    if (value instanceof Value.Obj o) {
      ObjectNode object = f.objectNode();
      o.fields().forEach((k, v) -> object.set(k, toNode(v)));
      return object;
    }
    return f.missingNode();
  }

  /** Compact JSON text; absent prints as {@code absent}. */
  public static String render(Value value) {
    if (value instanceof Value.Absent) {
      return "absent";
    }
    try {
      return MAPPER.writeValueAsString(toNode(value));
    } catch (Exception e) {
      throw new IllegalStateException("cannot render value", e);
    }
  }

  /** Strings print bare (for messages), everything else as JSON. */
  public static String display(Value value) {
    return value instanceof Value.Str s ? s.value() : render(value);
  }
}
