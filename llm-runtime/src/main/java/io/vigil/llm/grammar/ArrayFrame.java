package io.vigil.llm.grammar;

/** An array of at most {@code node.maxItems} items in the canonical layout {@code [1, 2]}. */
record ArrayFrame(SchemaNode.Arr node, int phase, int count) implements Frame {
  static final int START = 0;
  static final int OPEN = 1;
  static final int ITEM = 2;
  static final int AFTER_ITEM = 3;
  static final int COMMA = 4;

  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    switch (phase) {
      case START:
        return b == '[' ? self.replace(new ArrayFrame(node, OPEN, 0)) : null;
      case OPEN:
        if (b == ']') {
          return GrammarState.complete(self.tail, events, false);
        }
        return item(self, 1).feed(b, events);
      case AFTER_ITEM:
        if (b == ',' && count < node.maxItems) {
          return self.replace(new ArrayFrame(node, COMMA, count));
        }
        return b == ']' ? GrammarState.complete(self.tail, events, false) : null;
      case COMMA:
        return b == ' ' ? item(self, count + 1) : null;
      default:
        return null;
    }
  }

  private GrammarState item(GrammarState self, int number) {
    return GrammarState.push(node.items.start(), self.replace(new ArrayFrame(node, ITEM, number)));
  }

  @Override
  public GrammarState childDone(GrammarState self, BoundaryListener events, boolean beforeByte) {
    return self.replace(new ArrayFrame(node, AFTER_ITEM, count));
  }
}
