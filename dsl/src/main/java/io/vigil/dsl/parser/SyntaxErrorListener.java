package io.vigil.dsl.parser;

import io.vigil.dsl.Diagnostic;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;

/** Collects lexer and parser errors as diagnostics instead of printing them. */
final class SyntaxErrorListener extends BaseErrorListener {
  private static final String LEXER_PREFIX = "token recognition error at: ";

  private final SourceMapper positions;
  private final List<Diagnostic> sink;

  SyntaxErrorListener(SourceMapper positions, List<Diagnostic> sink) {
    this.positions = positions;
    this.sink = sink;
  }

  @Override
  public void syntaxError(
      Recognizer<?, ?> recognizer,
      Object offendingSymbol,
      int line,
      int charPositionInLine,
      String message,
      RecognitionException e) {
    String text = message;
    if (recognizer instanceof Lexer && message.startsWith(LEXER_PREFIX)) {
      text = "unexpected character " + message.substring(LEXER_PREFIX.length());
    }
    sink.add(Diagnostic.error(positions.at(line, charPositionInLine), text));
  }
}
