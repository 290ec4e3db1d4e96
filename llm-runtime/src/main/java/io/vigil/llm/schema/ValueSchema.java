package io.vigil.llm.schema;

import java.util.List;
import java.util.Optional;

/**
 * The part of JSON Schema that tool parameters use and the tool-call grammar understands: strings
 * (optionally an enum), numbers, integers, booleans, arrays, objects with named properties, and
 * "any JSON value" for parameters the policy declares as {@code json}.
 */
public sealed interface ValueSchema {
  /** {@code enumValues} empty means any string. */
  record StringSchema(List<String> enumValues) implements ValueSchema {
    public StringSchema {
      enumValues = List.copyOf(enumValues);
    }

    public static StringSchema any() {
      return new StringSchema(List.of());
    }
  }

  record NumberSchema(boolean integer) implements ValueSchema {}

  record BooleanSchema() implements ValueSchema {}

  /** {@code maxItems} bounds generated arrays; 0 means no bound. */
  record ArraySchema(ValueSchema items, int maxItems) implements ValueSchema {}

  /** Properties in the order the grammar emits them; optional ones may be left out. */
  record ObjectSchema(List<Property> properties) implements ValueSchema {
    public ObjectSchema {
      properties = List.copyOf(properties);
    }

    public Optional<Property> property(String name) {
      return properties.stream().filter(p -> p.name().equals(name)).findFirst();
    }
  }

  record Property(String name, ValueSchema schema, boolean required) {}

  /** Any JSON value (nesting bounded by the grammar). */
  record AnySchema() implements ValueSchema {}
}
