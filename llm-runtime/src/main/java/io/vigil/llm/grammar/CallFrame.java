package io.vigil.llm.grammar;

import java.nio.charset.StandardCharsets;

/**
 * The bottom of the stack: the call's own layout {@code {"name": <name>, "arguments": {...}}}.
 * {@code tool} is -1 until the name is chosen.
 */
record CallFrame(ToolCallGrammar grammar, int phase, int tool) implements Frame {
  static final int PREFIX = 0;
  static final int NAME = 1;
  static final int ARGUMENTS_KEY = 2;
  static final int ARGUMENTS = 3;
  static final int CLOSE = 4;

  static final Literal OPEN_NAME = new Literal("{\"name\": ");
  static final Literal ARGUMENTS_LITERAL = new Literal(", \"arguments\": ");
  static final Literal CLOSE_BRACE = new Literal("}");

  static GrammarState start(ToolCallGrammar grammar) {
    return GrammarState.push(new LiteralFrame(OPEN_NAME, 0), GrammarState.push(new CallFrame(grammar, PREFIX, -1), null));
  }

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    return null;
  }

  GrammarState toolChosen(GrammarState self, byte[] nameLiteral, BoundaryListener events) {
    int chosen = grammar.toolIndexOfLiteral(new String(nameLiteral, StandardCharsets.UTF_8));
    if (events != null) {
      events.toolNameComplete(chosen);
    }
    return GrammarState.push(new LiteralFrame(ARGUMENTS_LITERAL, 0), self.replace(new CallFrame(grammar, ARGUMENTS_KEY, chosen)));
  }

  @Override
  public GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
    switch (phase) {
      case PREFIX:
        return GrammarState.push(new ToolNameSlot(), self.replace(new CallFrame(grammar, NAME, -1)));
      case ARGUMENTS_KEY:
        return GrammarState.push(grammar.arguments(tool).start(), self.replace(new CallFrame(grammar, ARGUMENTS, tool)));
      case ARGUMENTS:
        return GrammarState.push(new LiteralFrame(CLOSE_BRACE, 0), self.replace(new CallFrame(grammar, CLOSE, tool)));
      case CLOSE:
        return GrammarState.push(new Done(tool), null);
      default:
        throw new IllegalStateException("call frame in phase " + phase + " has no value to finish");
    }
  }
}
