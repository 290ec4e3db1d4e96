package io.vigil.dsl.tree;

/**
 * Where a node came from: file, 1-based line and 1-based column.
 *
 * <p>Positions do not take part in tree equality (like Trino's NodeLocation): a formatted policy
 * parses back to an equal tree even though every node moved.
 */
public record SourcePosition(String file, int line, int column) {
  public static final SourcePosition NONE = new SourcePosition("<none>", 0, 0);

  @Override
  public boolean equals(Object other) {
    return other instanceof SourcePosition;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
