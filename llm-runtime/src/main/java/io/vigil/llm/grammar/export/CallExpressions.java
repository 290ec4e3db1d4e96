package io.vigil.llm.grammar.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tool-call language of {@code ToolCallGrammar} as an {@link Expr}: the same canonical layout,
 * the same bounds (number digits, array items, nesting of "any" values), properties in declared
 * order with optional ones skippable, and allowed-value sets as choices among literal JSON texts.
 */
final class CallExpressions {
  // The automaton's bounds (NumberFrame, SchemaNode), repeated here so exported grammars match it.
  static final int MAX_INT_DIGITS = 15;
  static final int MAX_FRACTION_DIGITS = 15;
  static final int MAX_EXPONENT_DIGITS = 2;
  static final int DEFAULT_MAX_ITEMS = 32;
  static final int ANY_DEPTH = 3;
  static final int ANY_MAX_ENTRIES = 16;

  private static final Expr CHAR = Expr.alt(List.of(
      new Expr.CharClass("^\"\\\\\\x00-\\x1F"),
      Expr.seq(Expr.text("\\"), Expr.alt(List.of(new Expr.CharClass("\"\\\\/bfnrt"),
          Expr.seq(Expr.text("u"), new Expr.Repeat(new Expr.CharClass("0-9a-fA-F"), 4, 4)))))));
  static final Expr STRING = new Expr.Named("string", Expr.seq(Expr.text("\""), new Expr.Repeat(CHAR, 0, -1), Expr.text("\"")));
  private static final Expr DIGIT = new Expr.CharClass("0-9");
  private static final Expr INT_PART = Expr.seq(Expr.optional(Expr.text("-")),
      Expr.alt(List.of(Expr.text("0"), Expr.seq(new Expr.CharClass("1-9"), new Expr.Repeat(DIGIT, 0, MAX_INT_DIGITS - 1)))));
  static final Expr INTEGER = new Expr.Named("integer", INT_PART);
  static final Expr NUMBER = new Expr.Named("number", Expr.seq(INT_PART,
      Expr.optional(Expr.seq(Expr.text("."), new Expr.Repeat(DIGIT, 1, MAX_FRACTION_DIGITS))),
      Expr.optional(Expr.seq(new Expr.CharClass("eE"), Expr.optional(new Expr.CharClass("-+")),
          new Expr.Repeat(DIGIT, 1, MAX_EXPONENT_DIGITS)))));
  static final Expr BOOLEAN = new Expr.Named("boolean", Expr.alt(List.of(Expr.text("true"), Expr.text("false"))));

  private final CallConstraint constraint;

  CallExpressions(CallConstraint constraint) {
    this.constraint = constraint;
  }

  Expr call() {
    List<Expr> calls = new ArrayList<>();
    for (int t = 0; t < constraint.tools().size(); t++) {
      ToolSchema tool = constraint.tools().get(t);
      calls.add(new Expr.Named("call-" + t, Expr.seq(
          Expr.text(CanonicalJson.quote(tool.name())),
          Expr.text(", \"arguments\": "),
          arguments(tool, "args-" + t))));
    }
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("no tools to export");
    }
    return Expr.seq(Expr.text("{\"name\": "), Expr.alt(calls), Expr.text("}"));
  }

  private Expr arguments(ToolSchema tool, String name) {
    List<ValueSchema.Property> properties = tool.parameters().properties();
    List<Expr> values = new ArrayList<>();
    for (int i = 0; i < properties.size(); i++) {
      ValueSchema.Property p = properties.get(i);
      List<JsonNode> allowed = constraint.allowed(tool.name(), p.name());
      values.add(allowed == null ? value(p.schema(), name + "-" + i) : literals(p.schema(), allowed));
    }
    return new Expr.Named(name, object(properties, values));
  }

  /** {@code {"a": .., "b": ..}} with the properties in order, optional ones skippable. */
  private static Expr object(List<ValueSchema.Property> properties, List<Expr> values) {
    int n = properties.size();
    List<Expr> firsts = new ArrayList<>();
    // Whichever property comes first is written without a comma; every later one with one.
    for (int first = 0; first < n; first++) {
      List<Expr> parts = new ArrayList<>();
      parts.add(member(properties.get(first), values.get(first)));
      for (int k = first + 1; k < n; k++) {
        Expr more = Expr.seq(Expr.text(", "), member(properties.get(k), values.get(k)));
        parts.add(properties.get(k).required() ? more : Expr.optional(more));
      }
      firsts.add(new Expr.Seq(parts));
      if (properties.get(first).required()) {
        break;
      }
    }
    boolean allOptional = properties.stream().noneMatch(ValueSchema.Property::required);
    Expr body = firsts.isEmpty() ? null : Expr.alt(firsts);
    if (body == null) {
      return Expr.text("{}");
    }
    return Expr.seq(Expr.text("{"), allOptional ? Expr.optional(body) : body, Expr.text("}"));
  }

  private static Expr member(ValueSchema.Property p, Expr value) {
    return Expr.seq(Expr.text(CanonicalJson.quote(p.name()) + ": "), value);
  }

  private static Expr literals(ValueSchema schema, List<JsonNode> allowed) {
    Set<String> texts = new LinkedHashSet<>();
    for (JsonNode value : allowed) {
      CanonicalJson.write(schema, value).ifPresent(texts::add);
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("a parameter with no allowed value leaves no call: " + allowed);
    }
    List<Expr> options = new ArrayList<>();
    texts.forEach(t -> options.add(Expr.text(t)));
    return Expr.alt(options);
  }

  private Expr value(ValueSchema schema, String name) {
    if (schema instanceof ValueSchema.StringSchema) {
      List<String> values = ((ValueSchema.StringSchema) schema).enumValues();
      if (values.isEmpty()) {
        return STRING;
      }
      List<Expr> options = new ArrayList<>();
      values.forEach(v -> options.add(Expr.text(CanonicalJson.quote(v))));
      return Expr.alt(options);
    }
    if (schema instanceof ValueSchema.NumberSchema) {
      return ((ValueSchema.NumberSchema) schema).integer() ? INTEGER : NUMBER;
    }
    if (schema instanceof ValueSchema.BooleanSchema) {
      return BOOLEAN;
    }
    if (schema instanceof ValueSchema.ArraySchema) {
      ValueSchema.ArraySchema a = (ValueSchema.ArraySchema) schema;
      return array(value(a.items(), name + "-item"), a.maxItems() > 0 ? a.maxItems() : DEFAULT_MAX_ITEMS);
    }
    if (schema instanceof ValueSchema.ObjectSchema) {
      List<ValueSchema.Property> properties = ((ValueSchema.ObjectSchema) schema).properties();
      List<Expr> values = new ArrayList<>();
      for (int i = 0; i < properties.size(); i++) {
        values.add(value(properties.get(i).schema(), name + "-" + i));
      }
      return new Expr.Named(name, object(properties, values));
    }
    return any(ANY_DEPTH);
  }

  private static Expr array(Expr item, int maxItems) {
    Expr items = Expr.seq(item, new Expr.Repeat(Expr.seq(Expr.text(", "), item), 0, maxItems - 1));
    return Expr.seq(Expr.text("["), Expr.optional(items), Expr.text("]"));
  }

  static Expr any(int depth) {
    List<Expr> options = new ArrayList<>(List.of(STRING, NUMBER, BOOLEAN, Expr.text("null")));
    if (depth > 0) {
      Expr child = any(depth - 1);
      options.add(array(child, DEFAULT_MAX_ITEMS));
      Expr entry = Expr.seq(STRING, Expr.text(": "), child);
      options.add(Expr.seq(Expr.text("{"),
          Expr.optional(Expr.seq(entry, new Expr.Repeat(Expr.seq(Expr.text(", "), entry), 0, ANY_MAX_ENTRIES - 1))),
          Expr.text("}")));
    }
    return new Expr.Named("any-" + depth, Expr.alt(options));
  }
}
