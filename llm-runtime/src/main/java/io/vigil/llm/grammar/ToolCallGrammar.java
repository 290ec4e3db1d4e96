package io.vigil.llm.grammar;

import io.vigil.llm.schema.SchemaException;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.schema.ValueSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The byte-level automaton of one tool call {@code {"name": "<tool>", "arguments": {...}}} over
 * declared tools, in one canonical layout (one space after {@code :} and {@code ,}, properties in
 * declared order, optional ones may be skipped). The decoder resolves the {@link Slot}s: which tool
 * names are still allowed, and per argument either a finite set of allowed JSON texts (from the
 * policy) or the schema's own values, minus texts banned after a backtrack.
 */
public final class ToolCallGrammar {
  private final List<ToolSchema> tools;
  private final SchemaNode.Obj[] arguments;
  private final Map<String, Integer> toolByLiteral = new HashMap<>();

  public ToolCallGrammar(List<ToolSchema> tools) {
    this.tools = List.copyOf(tools);
    this.arguments = new SchemaNode.Obj[this.tools.size()];
    for (int t = 0; t < this.tools.size(); t++) {
      ToolSchema tool = this.tools.get(t);
      if (toolByLiteral.put(CanonicalJson.quote(tool.name()), t) != null) {
        throw new SchemaException("tool '" + tool.name() + "' is declared twice");
      }
      arguments[t] = new SchemaNode.Obj(tool.parameters(), t, tool.name());
    }
  }

  public List<ToolSchema> tools() {
    return tools;
  }

  /** The state right after {@code <tool_call>}: before the call's opening brace. */
  public GrammarState start() {
    return CallFrame.start(this);
  }

  /** The state after byte {@code b} (0..255), or null when the grammar rejects it; boundaries go to {@code events}. */
  public GrammarState feed(GrammarState state, int b, BoundaryListener events) {
    return state.feed(b, events);
  }

  /** The state after all of {@code bytes}, or null; no boundary events. Slots are not passed. */
  public GrammarState feed(GrammarState state, byte[] bytes) {
    GrammarState s = state;
    for (int i = 0; i < bytes.length && s != null; i++) {
      s = s.feed(bytes[i] & 0xFF, null);
    }
    return s;
  }

  /** Whether the call's JSON is complete. */
  public boolean isComplete(GrammarState state) {
    return state.head instanceof Done;
  }

  /** The slot the state waits at, or null. */
  public Slot slotAt(GrammarState state) {
    if (state.head instanceof ToolNameSlot) {
      return new Slot(-1, -1);
    }
    if (state.head instanceof ArgumentSlot) {
      ArgumentSlot slot = (ArgumentSlot) state.head;
      return new Slot(slot.arguments().tool, slot.param());
    }
    return null;
  }

  /** Whether the top of the state is plain string content (every ordinary character keeps it). */
  boolean inPlainString(GrammarState state) {
    return state.head instanceof StringFrame && ((StringFrame) state.head).plain();
  }

  /** Resolves the tool-name slot to a choice among the declared tools not in {@code banned}; null when none is left. */
  public GrammarState chooseTool(GrammarState state, Collection<String> banned) {
    List<String> names = new ArrayList<>();
    for (ToolSchema tool : tools) {
      if (!banned.contains(tool.name())) {
        names.add(CanonicalJson.quote(tool.name()));
      }
    }
    if (!(state.head instanceof ToolNameSlot)) {
      throw new IllegalStateException("not at the tool name: " + state);
    }
    if (names.isEmpty()) {
      return null;
    }
    LiteralSet set = LiteralSet.of(names);
    return state.replace(new ChoiceFrame(set, 0, 0, set.size(), true));
  }

  /**
   * Resolves an argument slot. {@code allowedTexts}: canonical JSON texts the policy allows (null:
   * any value of the schema); {@code bannedTexts}: texts ruled out after a backtrack. Null when no
   * value is left.
   */
  public GrammarState chooseValue(GrammarState state, List<String> allowedTexts, Set<String> bannedTexts) {
    if (!(state.head instanceof ArgumentSlot)) {
      throw new IllegalStateException("not at an argument value: " + state);
    }
    ArgumentSlot slot = (ArgumentSlot) state.head;
    SchemaNode node = slot.arguments().values[slot.param()];
    GrammarState rest = state.tail;
    if (allowedTexts != null) {
      return choice(allowedTexts, bannedTexts, rest);
    }
    if (node instanceof SchemaNode.Str && ((SchemaNode.Str) node).choices != null) {
      return choice(((SchemaNode.Str) node).choices.texts(), bannedTexts, rest);
    }
    if (node instanceof SchemaNode.Bool) {
      return choice(SchemaNode.Bool.VALUES.texts(), bannedTexts, rest);
    }
    if (bannedTexts.isEmpty()) {
      return GrammarState.push(node.start(), rest);
    }
    return BanFrame.wrap(node.start(), LiteralSet.of(bannedTexts), rest);
  }

  private static GrammarState choice(List<String> texts, Set<String> banned, GrammarState rest) {
    List<String> left = new ArrayList<>();
    for (String text : texts) {
      if (!banned.contains(text)) {
        left.add(text);
      }
    }
    if (left.isEmpty()) {
      return null;
    }
    LiteralSet set = LiteralSet.of(left);
    return GrammarState.push(new ChoiceFrame(set, 0, 0, set.size(), false), rest);
  }

  /** Canonical JSON text of {@code value} for parameter {@code param} of {@code tool}, or null when it does not fit the schema. */
  public String canonicalValue(int tool, int param, com.fasterxml.jackson.databind.JsonNode value) {
    ValueSchema schema = tools.get(tool).parameters().properties().get(param).schema();
    return CanonicalJson.write(schema, value).orElse(null);
  }

  public int toolIndex(String name) {
    Integer t = toolByLiteral.get(CanonicalJson.quote(name));
    return t == null ? -1 : t;
  }

  int toolIndexOfLiteral(String literal) {
    Integer t = toolByLiteral.get(literal);
    if (t == null) {
      throw new IllegalStateException("no tool named " + literal);
    }
    return t;
  }

  SchemaNode.Obj arguments(int tool) {
    return arguments[tool];
  }

  /** Declared parameter names of {@code tool}, in order. */
  public List<String> parameters(int tool) {
    return List.of(arguments[tool].names);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
