package io.vigil.llm.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.schema.ValueSchema;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON values in the layout the tool-call grammar produces ({@code {"a": 1, "b": [true, null]}},
 * properties in declared order, strings escaped only where JSON requires), and the check that a value
 * fits a parameter schema: the same rules the grammar enforces byte by byte.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** A JSON string literal for {@code text}. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || lonelySurrogate(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  // A lone surrogate has no UTF-8 form; written as an escape it stays valid JSON text.
  private static boolean lonelySurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }

  /** The canonical text of {@code value} if it fits {@code schema}. */
  public static Optional<String> write(ValueSchema schema, JsonNode value) {
    StringBuilder out = new StringBuilder();
    return write(schema, value, out) ? Optional.of(out.toString()) : Optional.empty();
  }

  public static boolean conforms(ValueSchema schema, JsonNode value) {
    return write(schema, value).isPresent();
  }

  /** Any JSON value in the canonical layout (object keys in their own order). */
  public static String write(JsonNode value) {
    StringBuilder out = new StringBuilder();
    if (!write(new ValueSchema.AnySchema(), value, out)) {
      throw new IllegalArgumentException("not a finite JSON value: " + value);
    }
    return out.toString();
  }

  private static boolean write(ValueSchema schema, JsonNode value, StringBuilder out) {
    if (value == null || value.isMissingNode()) {
      return false;
    }
    if (schema instanceof ValueSchema.StringSchema) {
      ValueSchema.StringSchema s = (ValueSchema.StringSchema) schema;
      if (!value.isTextual() || (!s.enumValues().isEmpty() && !s.enumValues().contains(value.textValue()))) {
        return false;
      }
      out.append(quote(value.textValue()));
      return true;
    }
    if (schema instanceof ValueSchema.NumberSchema) {
      return number(((ValueSchema.NumberSchema) schema).integer(), value, out);
    }
    if (schema instanceof ValueSchema.BooleanSchema) {
      if (!value.isBoolean()) {
        return false;
      }
      out.append(value.booleanValue());
      return true;
    }
    if (schema instanceof ValueSchema.ArraySchema) {
      ValueSchema.ArraySchema a = (ValueSchema.ArraySchema) schema;
      if (!value.isArray() || (a.maxItems() > 0 && value.size() > a.maxItems())) {
        return false;
      }
      return array(a.items(), value, out);
    }
    if (schema instanceof ValueSchema.ObjectSchema) {
      return object((ValueSchema.ObjectSchema) schema, value, out);
    }
    // AnySchema
    if (value.isTextual()) {
      out.append(quote(value.textValue()));
      return true;
    }
    if (value.isNumber()) {
      return number(false, value, out);
    }
    if (value.isBoolean() || value.isNull()) {
      out.append(value.isNull() ? "null" : String.valueOf(value.booleanValue()));
      return true;
    }
    if (value.isArray()) {
      return array(schema, value, out);
    }
    if (value.isObject()) {
      out.append('{');
      boolean first = true;
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(first ? "" : ", ").append(quote(field.getKey())).append(": ");
        first = false;
        if (!write(schema, field.getValue(), out)) {
          return false;
        }
      }
      out.append('}');
      return true;
    }
    return false;
  }

  private static boolean array(ValueSchema items, JsonNode value, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < value.size(); i++) {
      out.append(i == 0 ? "" : ", ");
      if (!write(items, value.get(i), out)) {
        return false;
      }
    }
    out.append(']');
    return true;
  }

  private static boolean object(ValueSchema.ObjectSchema schema, JsonNode value, StringBuilder out) {
    if (!value.isObject()) {
      return false;
    }
    Set<String> declared = new HashSet<>();
    out.append('{');
    boolean first = true;
    for (ValueSchema.Property p : schema.properties()) {
      declared.add(p.name());
      JsonNode v = value.get(p.name());
      if (v == null) {
        if (p.required()) {
          return false;
        }
        continue;
      }
      out.append(first ? "" : ", ").append(quote(p.name())).append(": ");
      first = false;
      if (!write(p.schema(), v, out)) {
        return false;
      }
    }
    Iterator<String> names = value.fieldNames();
    while (names.hasNext()) {
      if (!declared.contains(names.next())) {
        return false;
      }
    }
    out.append('}');
    return true;
  }

  private static boolean number(boolean integer, JsonNode value, StringBuilder out) {
    if (!value.isNumber()) {
      return false;
    }
    if (value.isIntegralNumber()) {
      out.append(value.bigIntegerValue());
      return true;
    }
    if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
      return false;
    }
    BigDecimal exact = value.decimalValue();
    if (integer) {
      if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
        return false;
      }
      out.append(exact.toBigInteger());
      return true;
    }
    out.append(value.isBigDecimal() ? exact.toString() : value.asText());
    return true;
  }
}
