package io.vigil.dsl.parser;

import io.vigil.dsl.Builtins;
import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.ArgPattern;
import io.vigil.dsl.tree.Expr.BinaryOp;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import io.vigil.dsl.tree.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns a parse tree into the records of {@code io.vigil.dsl.tree}. Problems the grammar lets
 * through (a misplaced {@code ..}, an unknown escape, ...) are added to the diagnostics; the
 * builder then still returns a best-effort tree.
 */
final class AstBuilder extends VigilBaseVisitor<Expr> {
  private final SourceMapper positions;
  private final List<Diagnostic> diagnostics;

  AstBuilder(SourceMapper positions, List<Diagnostic> diagnostics) {
    this.positions = positions;
    this.diagnostics = diagnostics;
  }

  // ---- declarations ----

  Policy policy(VigilParser.PolicyFileContext ctx) {
    List<Policy.ToolDecl> tools = new ArrayList<>();
    List<Policy.GroupDecl> groups = new ArrayList<>();
    List<Policy.LetDecl> constants = new ArrayList<>();
    List<Policy.Rule> rules = new ArrayList<>();
    for (VigilParser.DeclarationContext declaration : ctx.declaration()) {
      if (declaration.toolDecl() != null) {
        tools.add(tool(declaration.toolDecl()));
      } else if (declaration.groupDecl() != null) {
        groups.add(group(declaration.groupDecl()));
      } else if (declaration.letDecl() != null) {
        constants.add(let(declaration.letDecl()));
      } else if (declaration.ruleDecl() != null) {
        rules.add(rule(declaration.ruleDecl()));
      }
    }
    return new Policy(ctx.name.getText(), tools, groups, constants, rules, pos(ctx));
  }

  private Policy.ToolDecl tool(VigilParser.ToolDeclContext ctx) {
    List<Policy.Param> params = new ArrayList<>();
    for (VigilParser.ParamContext param : ctx.param()) {
      params.add(new Policy.Param(param.name.getText(), type(param.type()), pos(param)));
    }
    Type returns = ctx.result == null ? Type.Primitive.JSON : type(ctx.result);
    return new Policy.ToolDecl(ctx.name.getText(), params, returns, pos(ctx.name));
  }

  private static Type type(VigilParser.TypeContext ctx) {
    if (ctx instanceof VigilParser.StringTypeContext) {
      return Type.Primitive.STRING;
    } else if (ctx instanceof VigilParser.NumberTypeContext) {
      return Type.Primitive.NUMBER;
    } else if (ctx instanceof VigilParser.BoolTypeContext) {
      return Type.Primitive.BOOL;
    } else if (ctx instanceof VigilParser.ListTypeContext list) {
      return new Type.ListOf(type(list.type()));
    }
    return Type.Primitive.JSON;
  }

  private Policy.GroupDecl group(VigilParser.GroupDeclContext ctx) {
    List<String> members = ctx.members.stream().map(Token::getText).toList();
    return new Policy.GroupDecl(ctx.name.getText(), members, pos(ctx.name));
  }

  private Policy.LetDecl let(VigilParser.LetDeclContext ctx) {
    return new Policy.LetDecl(ctx.name.getText(), expression(ctx.value), pos(ctx.name));
  }

  private Policy.Rule rule(VigilParser.RuleDeclContext ctx) {
    Expr.EventPattern trigger = eventPattern(ctx.trigger, false);
    Optional<Expr> condition = Optional.ofNullable(ctx.condition).map(this::expression);
    Expr requirement = expression(ctx.requirement);
    Optional<Policy.Message> because = Optional.ofNullable(ctx.message)
        .map(token -> new MessageParser(positions, diagnostics).parse(token, decode(token)));
    return new Policy.Rule(ctx.name.getText(), trigger, condition, requirement, because, pos(ctx.name));
  }

  // ---- expressions ----

  Expr expression(VigilParser.ExprContext ctx) {
    return visit(ctx);
  }

  @Override
  public Expr visitPrimaryExpr(VigilParser.PrimaryExprContext ctx) {
    return visit(ctx.primary());
  }

  @Override
  public Expr visitFieldExpr(VigilParser.FieldExprContext ctx) {
    return new Expr.Field(expression(ctx.expr()), ctx.field.getText(), pos(ctx.getChild(1)));
  }

  @Override
  public Expr visitSpreadExpr(VigilParser.SpreadExprContext ctx) {
    return new Expr.Spread(expression(ctx.expr()), pos(ctx.getChild(1)));
  }

  @Override
  public Expr visitIndexExpr(VigilParser.IndexExprContext ctx) {
    return new Expr.Index(expression(ctx.expr(0)), expression(ctx.index), pos(ctx.getChild(1)));
  }

  @Override
  public Expr visitOnceExpr(VigilParser.OnceExprContext ctx) {
    return new Expr.Once(window(ctx.window()), expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitHistoricallyExpr(VigilParser.HistoricallyExprContext ctx) {
    return new Expr.Historically(window(ctx.window()), expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitPreviousExpr(VigilParser.PreviousExprContext ctx) {
    return new Expr.Previous(expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitNegateExpr(VigilParser.NegateExprContext ctx) {
    return new Expr.Unary(Expr.UnaryOp.NEGATE, expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitNotExpr(VigilParser.NotExprContext ctx) {
    return new Expr.Unary(Expr.UnaryOp.NOT, expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitMultiplyExpr(VigilParser.MultiplyExprContext ctx) {
    return binary(ctx.op, ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitAddExpr(VigilParser.AddExprContext ctx) {
    return binary(ctx.op, ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitCompareExpr(VigilParser.CompareExprContext ctx) {
    return binary(ctx.op, ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitInExpr(VigilParser.InExprContext ctx) {
    BinaryOp op = ctx.negated == null ? BinaryOp.IN : BinaryOp.NOT_IN;
    Token at = ctx.negated == null ? (Token) ctx.getChild(1).getPayload() : ctx.negated;
    return new Expr.Binary(op, expression(ctx.expr(0)), expression(ctx.expr(1)), positions.at(at));
  }

  @Override
  public Expr visitMatchesExpr(VigilParser.MatchesExprContext ctx) {
    String token = ctx.REGEX().getText();
    int close = token.lastIndexOf('/');
    String regex = StringLiterals.regexBody(token.substring(1, close));
    String flags = token.substring(close + 1);
    return new Expr.Matches(expression(ctx.expr()), regex, flags, pos(ctx.getChild(1)));
  }

  @Override
  public Expr visitSinceExpr(VigilParser.SinceExprContext ctx) {
    return binary((Token) ctx.getChild(1).getPayload(), ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitAndExpr(VigilParser.AndExprContext ctx) {
    return binary((Token) ctx.getChild(1).getPayload(), ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitOrExpr(VigilParser.OrExprContext ctx) {
    return binary((Token) ctx.getChild(1).getPayload(), ctx.expr(0), ctx.expr(1));
  }

  @Override
  public Expr visitImpliesExpr(VigilParser.ImpliesExprContext ctx) {
    return binary((Token) ctx.getChild(1).getPayload(), ctx.expr(0), ctx.expr(1));
  }

  private Expr binary(Token op, VigilParser.ExprContext left, VigilParser.ExprContext right) {
    return new Expr.Binary(binaryOp(op.getText()), expression(left), expression(right), positions.at(op));
  }

  private static BinaryOp binaryOp(String symbol) {
    for (BinaryOp op : BinaryOp.values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    throw new IllegalStateException("unknown operator " + symbol);
  }

  // ---- primaries ----

  @Override
  public Expr visitStringLiteral(VigilParser.StringLiteralContext ctx) {
    return new Expr.StringLit(decode(ctx.STRING().getSymbol()).text(), pos(ctx));
  }

  @Override
  public Expr visitNumberLiteral(VigilParser.NumberLiteralContext ctx) {
    return new Expr.NumberLit(new BigDecimal(ctx.getText()), pos(ctx));
  }

  @Override
  public Expr visitDurationLiteral(VigilParser.DurationLiteralContext ctx) {
    return duration(ctx.DURATION().getSymbol());
  }

  @Override
  public Expr visitBoolLiteral(VigilParser.BoolLiteralContext ctx) {
    return new Expr.BoolLit(ctx.getText().equals("true"), pos(ctx));
  }

  @Override
  public Expr visitNullLiteral(VigilParser.NullLiteralContext ctx) {
    return new Expr.NullLit(pos(ctx));
  }

  @Override
  public Expr visitNowLiteral(VigilParser.NowLiteralContext ctx) {
    return new Expr.Now(pos(ctx));
  }

  @Override
  public Expr visitListLiteral(VigilParser.ListLiteralContext ctx) {
    return new Expr.ListLit(ctx.expr().stream().map(this::expression).toList(), pos(ctx));
  }

  @Override
  public Expr visitParenExpr(VigilParser.ParenExprContext ctx) {
    return expression(ctx.expr());
  }

  @Override
  public Expr visitCountExpr(VigilParser.CountExprContext ctx) {
    return new Expr.Count(window(ctx.window()), expression(ctx.expr()), pos(ctx));
  }

  @Override
  public Expr visitQuantifiedExpr(VigilParser.QuantifiedExprContext ctx) {
    Expr.Quantifier quantifier = ctx.quantifier.getText().equals("exists")
        ? Expr.Quantifier.EXISTS
        : Expr.Quantifier.FORALL;
    return new Expr.Quantified(
        quantifier, ctx.var.getText(), expression(ctx.domain), expression(ctx.body), pos(ctx));
  }

  @Override
  public Expr visitVariableRef(VigilParser.VariableRefContext ctx) {
    return new Expr.VarRef(ctx.getText(), pos(ctx));
  }

  @Override
  public Expr visitPatternExpr(VigilParser.PatternExprContext ctx) {
    Expr expr = pattern(ctx.eventPattern());
    if (ctx.condition == null) {
      return expr;
    }
    Expr condition = expression(ctx.condition);
    if (expr instanceof Expr.EventPattern p) {
      return new Expr.EventPattern(
          p.kind(), p.target(), p.args(), p.rest(), p.binder(), Optional.of(condition), p.position());
    }
    Expr.Call call = (Expr.Call) expr;
    error(ctx.getChild(1), "'where' cannot follow a call of function '" + call.function() + "'");
    return expr;
  }

  // ---- event patterns ----

  /** An event pattern, or a built-in function call written the same way. */
  private Expr pattern(VigilParser.EventPatternContext ctx) {
    if (ctx instanceof VigilParser.ToolPatternContext tool
        && tool.kind == null
        && tool.binder() == null
        && Builtins.isFunction(tool.target.getText())) {
      return call(tool);
    }
    return eventPattern(ctx, true);
  }

  private Expr.Call call(VigilParser.ToolPatternContext ctx) {
    String function = ctx.target.getText();
    List<Expr> args = new ArrayList<>();
    for (VigilParser.CallArgContext arg : callArgs(ctx)) {
      if (arg instanceof VigilParser.ValueArgContext value && value.name == null) {
        args.add(expression(value.value));
      } else if (arg instanceof VigilParser.ValueArgContext value) {
        error(value, "function '" + function + "' takes no named arguments");
        args.add(expression(value.value));
      } else {
        error(arg, "'" + arg.getStop().getText() + "' is not allowed in a call of function '" + function + "'");
      }
    }
    return new Expr.Call(function, args, pos(ctx.target));
  }

  Expr.EventPattern eventPattern(VigilParser.EventPatternContext ctx, boolean inFormula) {
    if (ctx instanceof VigilParser.MessagePatternContext message) {
      EventKind kind = message.kind.getText().equals("user_message")
          ? EventKind.USER_MESSAGE
          : EventKind.ASSISTANT_MESSAGE;
      return new Expr.EventPattern(kind, Optional.empty(), List.of(), false,
          binder(message.binder()), Optional.empty(), pos(ctx));
    }
    VigilParser.ToolPatternContext tool = (VigilParser.ToolPatternContext) ctx;
    EventKind kind = tool.kind == null
        ? EventKind.CALL
        : tool.kind.getText().equals("ok") ? EventKind.OK : EventKind.ERROR;
    List<ArgPattern> args = new ArrayList<>();
    boolean rest = false;
    List<VigilParser.CallArgContext> callArgs = callArgs(tool);
    for (int i = 0; i < callArgs.size(); i++) {
      VigilParser.CallArgContext arg = callArgs.get(i);
      if (arg instanceof VigilParser.RestArgContext) {
        if (i != callArgs.size() - 1) {
          error(arg, "'..' must be the last argument");
        }
        rest = true;
      } else if (arg instanceof VigilParser.WildcardArgContext wildcard) {
        args.add(new ArgPattern(name(wildcard.name), Optional.empty(), pos(arg)));
      } else {
        VigilParser.ValueArgContext value = (VigilParser.ValueArgContext) arg;
        args.add(new ArgPattern(name(value.name), Optional.of(expression(value.value)), pos(arg)));
      }
    }
    Optional<String> binder = tool.binder() == null ? Optional.empty() : binder(tool.binder());
    return new Expr.EventPattern(kind, Optional.of(tool.target.getText()), args, rest, binder,
        Optional.empty(), pos(ctx));
  }

  private static List<VigilParser.CallArgContext> callArgs(VigilParser.ToolPatternContext ctx) {
    return ctx.callArgs() == null ? List.of() : ctx.callArgs().callArg();
  }

  private static Optional<String> name(Token name) {
    return Optional.ofNullable(name).map(Token::getText);
  }

  private static Optional<String> binder(VigilParser.BinderContext ctx) {
    if (ctx == null || ctx.IDENT() == null) {
      return Optional.empty();
    }
    return Optional.of(ctx.IDENT().getText());
  }

  // ---- literals ----

  private Optional<Expr.DurationLit> window(VigilParser.WindowContext ctx) {
    return Optional.ofNullable(ctx).map(w -> duration(w.DURATION().getSymbol()));
  }

  private Expr.DurationLit duration(Token token) {
    String text = token.getText();
    return new Expr.DurationLit(Durations.seconds(text), text, positions.at(token));
  }

  private StringLiterals.Decoded decode(Token token) {
    StringLiterals.Decoded decoded = StringLiterals.unquote(token.getText());
    for (int offset : decoded.badEscapes()) {
      String escape = token.getText().substring(offset, offset + 2);
      diagnostics.add(Diagnostic.error(positions.at(token, offset),
          "unknown escape '" + escape + "' in string (use \\\", \\\\, \\n, \\t, \\r or \\/)"));
    }
    return decoded;
  }

  // ---- positions ----

  private SourcePosition pos(ParserRuleContext ctx) {
    return positions.at(ctx.getStart());
  }

  private SourcePosition pos(org.antlr.v4.runtime.tree.ParseTree node) {
    if (node instanceof ParserRuleContext ctx) {
      return pos(ctx);
    }
    return positions.at((Token) node.getPayload());
  }

  private SourcePosition pos(Token token) {
    return positions.at(token);
  }

  private void error(org.antlr.v4.runtime.tree.ParseTree node, String message) {
    diagnostics.add(Diagnostic.error(pos(node), message));
  }
}
