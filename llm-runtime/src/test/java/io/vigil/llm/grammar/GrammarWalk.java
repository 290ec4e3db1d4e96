package io.vigil.llm.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a whole call text through the grammar byte by byte, resolving every slot without policy
 * restrictions, and records the boundaries it reports with the byte offsets where they happened.
 */
final class GrammarWalk implements BoundaryListener {
  final ToolCallGrammar grammar;
  final List<String> events = new ArrayList<>();
  private byte[] text;
  private int offset;
  private int valueStart;
  GrammarState state;
  int rejectedAt = -1;

  GrammarWalk(ToolCallGrammar grammar) {
    this.grammar = grammar;
    this.state = grammar.start();
  }

  static GrammarWalk of(ToolCallGrammar grammar, String call) {
    GrammarWalk walk = new GrammarWalk(grammar);
    walk.feed(call.getBytes(StandardCharsets.UTF_8));
    return walk;
  }

  GrammarWalk feed(byte[] bytes) {
    text = bytes;
    for (offset = 0; offset < bytes.length; offset++) {
      resolveSlot();
      GrammarState next = grammar.feed(state, bytes[offset] & 0xFF, this);
      if (next == null) {
        rejectedAt = offset;
        return this;
      }
      state = next;
    }
    resolveSlot();
    return this;
  }

  private void resolveSlot() {
    Slot slot = grammar.slotAt(state);
    if (slot == null) {
      return;
    }
    if (slot.toolName()) {
      state = grammar.chooseTool(state, List.of());
    } else {
      state = grammar.chooseValue(state, null, java.util.Set.of());
      valueStart = offset;
    }
  }

  boolean accepted() {
    return rejectedAt < 0 && grammar.isComplete(state);
  }

  @Override
  public void toolNameComplete(int tool) {
    events.add("tool=" + grammar.tools().get(tool).name());
  }

  @Override
  public void argumentComplete(int tool, int param, boolean endsBeforeByte) {
    int end = endsBeforeByte ? offset : offset + 1;
    events.add(grammar.parameters(tool).get(param) + "="
        + new String(text, valueStart, end - valueStart, StandardCharsets.UTF_8));
  }
}
