package io.vigil.dsl.parser;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.PolicySyntaxException;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/** Parses policy files and expressions into the records of {@code io.vigil.dsl.tree}. */
public final class PolicyParser {
  private PolicyParser() {}

  /** Parses a whole policy file; throws {@link PolicySyntaxException} when it does not parse. */
  public static Policy parse(String source, String fileName) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    SourceMapper positions = SourceMapper.of(fileName);
    VigilParser.PolicyFileContext tree = run(source, positions, diagnostics, VigilParser::policyFile);
    failOnErrors(diagnostics);
    Policy policy = new AstBuilder(positions, diagnostics).policy(tree);
    failOnErrors(diagnostics);
    return policy;
  }

  /** Parses one expression (the whole of {@code source}). */
  public static Expr parseExpression(String source, String fileName) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    Expr expr = parseExpression(source, SourceMapper.of(fileName), diagnostics);
    failOnErrors(diagnostics);
    return expr;
  }

  /** Parses an expression that starts at {@code positions}; null when it has syntax errors. */
  static Expr parseExpression(String source, SourceMapper positions, List<Diagnostic> diagnostics) {
    int before = diagnostics.size();
    VigilParser.StandaloneExprContext tree = run(source, positions, diagnostics, VigilParser::standaloneExpr);
    if (diagnostics.size() > before) {
      return null;
    }
    Expr expr = new AstBuilder(positions, diagnostics).expression(tree.expr());
    return diagnostics.size() > before ? null : expr;
  }

  /** Two-stage parse: fast SLL prediction, and full LL with error reporting when SLL gives up. */
  private static <T extends ParserRuleContext> T run(
      String source, SourceMapper positions, List<Diagnostic> diagnostics, Function<VigilParser, T> rule) {
    SyntaxErrorListener listener = new SyntaxErrorListener(positions, diagnostics);
    VigilLexer lexer = new VigilLexer(CharStreams.fromString(source, positions.file()));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    VigilParser parser = new VigilParser(tokens);
    parser.removeErrorListeners();
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    parser.setErrorHandler(new BailErrorStrategy());
    try {
      return rule.apply(parser);
    } catch (ParseCancellationException sllFailed) {
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(listener);
      parser.setErrorHandler(new VigilErrorStrategy());
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      return rule.apply(parser);
    }
  }

  private static void failOnErrors(List<Diagnostic> diagnostics) {
    if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
      throw new PolicySyntaxException(diagnostics);
    }
  }
}
