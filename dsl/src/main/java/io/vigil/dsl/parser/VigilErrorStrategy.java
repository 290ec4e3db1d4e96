package io.vigil.dsl.parser;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.FailedPredicateException;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;

/** ANTLR's recovery with one message shape: "unexpected X, expected Y". */
final class VigilErrorStrategy extends DefaultErrorStrategy {
  @Override
  protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
    Token token = e.getOffendingToken();
    parser.notifyErrorListeners(token, ErrorMessages.unexpected(parser, token, e.getExpectedTokens()), e);
  }

  @Override
  protected void reportInputMismatch(Parser parser, InputMismatchException e) {
    Token token = e.getOffendingToken();
    parser.notifyErrorListeners(token, ErrorMessages.unexpected(parser, token, e.getExpectedTokens()), e);
  }

  @Override
  protected void reportFailedPredicate(Parser parser, FailedPredicateException e) {
    Token token = e.getOffendingToken();
    parser.notifyErrorListeners(token, "unexpected " + ErrorMessages.describe(token), e);
  }

  @Override
  protected void reportUnwantedToken(Parser parser) {
    if (inErrorRecoveryMode(parser)) {
      return;
    }
    beginErrorCondition(parser);
    Token token = parser.getCurrentToken();
    parser.notifyErrorListeners(token, ErrorMessages.unexpected(parser, token, getExpectedTokens(parser)), null);
  }

  @Override
  protected void reportMissingToken(Parser parser) {
    if (inErrorRecoveryMode(parser)) {
      return;
    }
    beginErrorCondition(parser);
    Token token = parser.getCurrentToken();
    parser.notifyErrorListeners(token, ErrorMessages.unexpected(parser, token, getExpectedTokens(parser)), null);
  }
}
