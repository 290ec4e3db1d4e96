package io.vigil.dsl.parser;

import io.vigil.dsl.tree.SourcePosition;
import org.antlr.v4.runtime.Token;

/**
 * Turns ANTLR's (line, 0-based column) into a {@link SourcePosition}. Text parsed on its own (a
 * {@code {hole}} of a rule message) starts at {@code firstLine:firstColumn} of the enclosing file.
 */
final class SourceMapper {
  private final String file;
  private final int firstLine;
  private final int firstColumn;

  SourceMapper(String file, int firstLine, int firstColumn) {
    this.file = file;
    this.firstLine = firstLine;
    this.firstColumn = firstColumn;
  }

  static SourceMapper of(String file) {
    return new SourceMapper(file, 1, 1);
  }

  String file() {
    return file;
  }

  SourcePosition at(int line, int charPositionInLine) {
    if (line <= 1) {
      return new SourcePosition(file, firstLine, firstColumn + charPositionInLine);
    }
    return new SourcePosition(file, firstLine + line - 1, charPositionInLine + 1);
  }

  SourcePosition at(Token token) {
    return at(token.getLine(), token.getCharPositionInLine());
  }

  /** The position of the character {@code offset} characters into {@code token} (same line). */
  SourcePosition at(Token token, int offset) {
    return at(token.getLine(), token.getCharPositionInLine() + offset);
  }
}
