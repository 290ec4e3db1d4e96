package io.vigil.llm.grammar;

/** The first byte of any JSON value decides its kind; containers only while nesting depth is left. */
record AnyValueFrame(SchemaNode.Any node) implements Frame {
  @Override
  public GrammarState consume(GrammarState self, int b, BoundaryListener events) {
    if (b == '"') {
      return self.replace(StringFrame.CONTENT);
    }
    if (b == '-' || (b >= '0' && b <= '9')) {
      return self.replace(NumberFrame.start(false)).feed(b, events);
    }
    if (b == 't') {
      return self.replace(new LiteralFrame(Literal.TRUE, 1));
    }
    if (b == 'f') {
      return self.replace(new LiteralFrame(Literal.FALSE, 1));
    }
    if (b == 'n') {
      return self.replace(new LiteralFrame(Literal.NULL, 1));
    }
    if (node.depth > 0 && b == '{') {
      return self.replace(new AnyObjectFrame(node, AnyObjectFrame.OPEN, 0));
    }
    if (node.depth > 0 && b == '[') {
      return self.replace(new ArrayFrame(node.array(), ArrayFrame.OPEN, 0));
    }
    return null;
  }
}
