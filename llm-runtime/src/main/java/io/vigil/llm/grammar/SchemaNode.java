package io.vigil.llm.grammar;

import io.vigil.llm.schema.SchemaException;
import io.vigil.llm.schema.ValueSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parameter schema compiled for the automaton. Nodes are made once per grammar and compared by
 * identity, so frames that point at them hash and compare in constant time.
 */
abstract class SchemaNode {
  /** Bound on generated arrays whose schema sets none. */
  static final int DEFAULT_MAX_ITEMS = 32;
  /** Nesting bound of values whose schema is "any JSON". */
  static final int ANY_DEPTH = 3;
  /** Bound on the entries of an object whose schema is "any JSON". */
  static final int ANY_MAX_ENTRIES = 16;

  /** The frame that matches a value of this schema from its first byte. */
  abstract Frame start();

  static SchemaNode compile(ValueSchema schema, String where) {
    if (schema instanceof ValueSchema.StringSchema) {
      List<String> values = ((ValueSchema.StringSchema) schema).enumValues();
      if (values.isEmpty()) {
        return new Str(null);
      }
      List<String> texts = new ArrayList<>();
      for (String value : values) {
        texts.add(CanonicalJson.quote(value));
      }
      return new Str(LiteralSet.of(texts));
    }
    if (schema instanceof ValueSchema.NumberSchema) {
      return new Num(((ValueSchema.NumberSchema) schema).integer());
    }
    if (schema instanceof ValueSchema.BooleanSchema) {
      return new Bool();
    }
    if (schema instanceof ValueSchema.ArraySchema) {
      ValueSchema.ArraySchema array = (ValueSchema.ArraySchema) schema;
      return new Arr(compile(array.items(), where + "[]"), array.maxItems() > 0 ? array.maxItems() : DEFAULT_MAX_ITEMS);
    }
    if (schema instanceof ValueSchema.ObjectSchema) {
      return new Obj((ValueSchema.ObjectSchema) schema, -1, where);
    }
    if (schema instanceof ValueSchema.AnySchema) {
      return Any.of(ANY_DEPTH);
    }
    throw new SchemaException(where + ": unsupported schema " + schema);
  }

  static final class Str extends SchemaNode {
    /** Allowed JSON texts for an enum; null for any string. */
    final LiteralSet choices;

    Str(LiteralSet choices) {
      this.choices = choices;
    }

    @Override
    Frame start() {
      return choices == null ? StringFrame.OPEN : new ChoiceFrame(choices, 0, 0, choices.size(), false);
    }
  }

  static final class Num extends SchemaNode {
    final boolean integer;

    Num(boolean integer) {
      this.integer = integer;
    }

    @Override
    Frame start() {
      return NumberFrame.start(integer);
    }
  }

  static final class Bool extends SchemaNode {
    static final LiteralSet VALUES = LiteralSet.of(List.of("true", "false"));

    @Override
    Frame start() {
      return new ChoiceFrame(VALUES, 0, 0, VALUES.size(), false);
    }
  }

  static final class Arr extends SchemaNode {
    final SchemaNode items;
    final int maxItems;

    Arr(SchemaNode items, int maxItems) {
      this.items = items;
      this.maxItems = maxItems;
    }

    @Override
    Frame start() {
      return new ArrayFrame(this, ArrayFrame.START, 0);
    }
  }

  static final class Obj extends SchemaNode {
    final String[] names;
    /** The bytes of {@code "name": } for each property, in declared order. */
    final byte[][] keys;
    final SchemaNode[] values;
    final boolean[] required;
    /** The tool whose arguments this object is, or -1 for a nested object. */
    final int tool;

    Obj(ValueSchema.ObjectSchema schema, int tool, String where) {
      int n = schema.properties().size();
      this.names = new String[n];
      this.keys = new byte[n][];
      this.values = new SchemaNode[n];
      this.required = new boolean[n];
      this.tool = tool;
      int optionalRun = 0;
      for (int i = 0; i < n; i++) {
        ValueSchema.Property p = schema.properties().get(i);
        names[i] = p.name();
        keys[i] = (CanonicalJson.quote(p.name()) + ": ").getBytes(StandardCharsets.UTF_8);
        values[i] = compile(p.schema(), where + "." + p.name());
        required[i] = p.required();
        optionalRun = p.required() ? 0 : optionalRun + 1;
        if (optionalRun >= 64) {
          throw new SchemaException(where + ": more than 63 optional properties in a row are not supported");
        }
      }
    }

    boolean arguments() {
      return tool >= 0;
    }

    /** Whether every property from {@code from} on may be left out (so the object may close). */
    boolean optionalFrom(int from) {
      for (int i = from; i < names.length; i++) {
        if (required[i]) {
          return false;
        }
      }
      return true;
    }

    /** Bit i set for property {@code from + i} when its key may come next: up to and including the first required one. */
    long candidatesFrom(int from) {
      long mask = 0;
      for (int i = from; i < names.length; i++) {
        mask |= 1L << (i - from);
        if (required[i]) {
          break;
        }
      }
      return mask;
    }

    int index(String name) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    Frame start() {
      return new ObjectFrame(this, ObjectFrame.START, 0, 0, 0L);
    }
  }

  /** Any JSON value, nested at most {@code depth} more levels. */
  static final class Any extends SchemaNode {
    private static final Any[] BY_DEPTH = new Any[ANY_DEPTH + 1];

    static {
      for (int d = 0; d <= ANY_DEPTH; d++) {
        BY_DEPTH[d] = new Any(d);
      }
      for (int d = 1; d <= ANY_DEPTH; d++) {
        BY_DEPTH[d].array = new Arr(BY_DEPTH[d - 1], DEFAULT_MAX_ITEMS);
      }
    }

    final int depth;
    private Arr array;

    private Any(int depth) {
      this.depth = depth;
    }

    static Any of(int depth) {
      return BY_DEPTH[depth];
    }

    Any child() {
      return BY_DEPTH[depth - 1];
    }

    Arr array() {
      return array;
    }

    @Override
    Frame start() {
      return new AnyValueFrame(this);
    }
  }
}
