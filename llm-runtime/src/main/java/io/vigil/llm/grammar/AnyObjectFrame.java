package io.vigil.llm.grammar;

/** An object with free keys (inside a value of schema "any"), canonical layout, bounded entries. */
record AnyObjectFrame(SchemaNode.Any node, int phase, int count) implements Frame {
  static final int OPEN = 0;
  static final int IN_KEY = 1;
  static final int COLON = 2;
  static final int COLON_SPACE = 3;
  static final int IN_VALUE = 4;
  static final int AFTER_VALUE = 5;
  static final int COMMA = 6;
  static final int KEY_QUOTE = 7;

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    switch (phase) {
      case OPEN:
        if (b == '}') {
          return GrammarState.complete(self.tail, events, false);
        }
        return key(self, b);
      case KEY_QUOTE:
        return key(self, b);
      case COLON:
        return b == ':' ? self.replace(new AnyObjectFrame(node, COLON_SPACE, count)) : null;
      case COLON_SPACE:
        return b == ' '
            ? GrammarState.push(node.child().start(), self.replace(new AnyObjectFrame(node, IN_VALUE, count)))
            : null;
      case AFTER_VALUE:
        if (b == ',' && count < SchemaNode.ANY_MAX_ENTRIES) {
          return self.replace(new AnyObjectFrame(node, COMMA, count));
        }
        return b == '}' ? GrammarState.complete(self.tail, events, false) : null;
      case COMMA:
        return b == ' ' ? self.replace(new AnyObjectFrame(node, KEY_QUOTE, count)) : null;
      default:
        return null;
    }
  }

  private GrammarState key(GrammarState self, int b) {
    return b == '"'
        ? GrammarState.push(StringFrame.CONTENT, self.replace(new AnyObjectFrame(node, IN_KEY, count + 1)))
        : null;
  }

  @Override
  public GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
    return self.replace(new AnyObjectFrame(node, phase == IN_KEY ? COLON : AFTER_VALUE, count));
  }
}
