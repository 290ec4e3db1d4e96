package io.vigil.dsl.format;

import io.vigil.dsl.parser.Durations;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.ArgPattern;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import io.vigil.dsl.tree.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random well-formed trees in the form the parser produces: numbers are never negative (the parser
 * reads {@code -1} as a negation), regex bodies hold no escaped slash (the parser unescapes it), a
 * message never has two text parts in a row or an empty one, a call pattern never names a built-in
 * function and message patterns name no tool.
 */
final class Generators {
  private static final SourcePosition P = SourcePosition.NONE;
  private static final int MAX_DEPTH = 4;

  private final List<Arbitrary<Expr>> byDepth = new ArrayList<>();

  Generators() {
    byDepth.add(leaf());
    for (int depth = 1; depth <= MAX_DEPTH; depth++) {
      // lazy(): jqwik hashes arbitraries structurally; without it the shared sub-arbitraries
      // would be hashed once per path through this DAG, exponentially often.
      Arbitrary<Expr> sub = byDepth.get(depth - 1);
      byDepth.add(composite(Arbitraries.lazy(() -> sub)));
    }
  }

  Arbitrary<Expr> expressions() {
    return byDepth.get(MAX_DEPTH);
  }

  // ---- leaves ----

  static Arbitrary<String> names() {
    return Arbitraries.of("a", "b", "x1", "order_id", "_u", "value", "r");
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withChars('\n', '\t', '\r', 'é', '€')
        .ofMaxLength(8);
  }

  private static Arbitrary<Expr.DurationLit> durations() {
    return Combinators.combine(Arbitraries.integers().between(0, 5000), Arbitraries.of("ms", "s", "m", "h", "d"))
        .as((amount, unit) -> {
          String text = amount + unit;
          return new Expr.DurationLit(Durations.seconds(text), text, P);
        });
  }

  private static Arbitrary<Expr> leaf() {
    Arbitrary<Expr> strings = text().map(s -> new Expr.StringLit(s, P));
    Arbitrary<Expr> numbers = Combinators.combine(
            Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(15)),
            Arbitraries.integers().between(0, 4))
        .as((unscaled, scale) -> new Expr.NumberLit(new BigDecimal(unscaled, scale), P));
    return Arbitraries.oneOf(
        strings,
        numbers,
        durations().map(d -> d),
        Arbitraries.of(true, false).map(b -> new Expr.BoolLit(b, P)),
        Arbitraries.just(new Expr.NullLit(P)),
        Arbitraries.just(new Expr.Now(P)),
        names().map(n -> new Expr.VarRef(n, P)));
  }

  // ---- composites ----

  private static Arbitrary<Expr> composite(Arbitrary<Expr> sub) {
    Arbitrary<Optional<Expr.DurationLit>> window = durations().optional();
    List<Arbitrary<Expr>> choices = List.of(
        sub.list().ofMaxSize(3).map(elements -> new Expr.ListLit(elements, P)),
        Combinators.combine(sub, Arbitraries.of("status", "items", "count", "error", "where", "user_message",
            "_x", "in", "policy", "ok")).as((base, name) -> new Expr.Field(base, name, P)),
        Combinators.combine(sub, sub).as((base, index) -> new Expr.Index(base, index, P)),
        sub.map(base -> new Expr.Spread(base, P)),
        Combinators.combine(Arbitraries.of(Expr.UnaryOp.class), sub).as((op, e) -> new Expr.Unary(op, e, P)),
        Combinators.combine(Arbitraries.of(Expr.BinaryOp.class), sub, sub)
            .as((op, l, r) -> new Expr.Binary(op, l, r, P)),
        Combinators.combine(sub,
                Arbitraries.of("a/b", "^\\s*x$", "\\d+", "[/]", "a\\\\/b", "x\"y", "a{2}}", "é"),
                Arbitraries.of("", "i"))
            .as((subject, regex, flags) -> new Expr.Matches(subject, regex, flags, P)),
        Combinators.combine(Arbitraries.of("len", "sum", "keys", "time", "lower", "upper", "abs", "min", "max"),
                sub.list().ofMinSize(0).ofMaxSize(2))
            .as((function, args) -> new Expr.Call(function, args, P)),
        patterns(sub, sub.optional()).map(p -> p),
        Combinators.combine(window, sub).as((w, body) -> new Expr.Once(w, body, P)),
        Combinators.combine(window, sub).as((w, body) -> new Expr.Historically(w, body, P)),
        sub.map(body -> new Expr.Previous(body, P)),
        Combinators.combine(window, sub).as((w, body) -> new Expr.Count(w, body, P)),
        Combinators.combine(Arbitraries.of(Expr.Quantifier.class), names(), sub, sub)
            .as((q, variable, domain, body) -> new Expr.Quantified(q, variable, domain, body, P)));
    List<Arbitrary<Expr>> all = new ArrayList<>(choices);
    all.add(sub);
    return Arbitraries.oneOf(all);
  }

  static Arbitrary<Expr.EventPattern> patterns(Arbitrary<Expr> values, Arbitrary<Optional<Expr>> where) {
    Arbitrary<ArgPattern> arg = Combinators.combine(
            Arbitraries.of("order_id", "reason", "n").optional(), values.optional())
        .as((name, value) -> new ArgPattern(name, value, P));
    Arbitrary<Expr.EventPattern> tool = Combinators.combine(
            Arbitraries.of(EventKind.CALL, EventKind.OK, EventKind.ERROR),
            Arbitraries.of("get_order", "cancel", "orders", "count_items"),
            arg.list().ofMaxSize(3),
            Arbitraries.of(true, false),
            names().optional(),
            where)
        .as((kind, target, args, rest, binder, condition) ->
            new Expr.EventPattern(kind, Optional.of(target), args, rest, binder, condition, P));
    Arbitrary<Expr.EventPattern> message = Combinators.combine(
            Arbitraries.of(EventKind.USER_MESSAGE, EventKind.ASSISTANT_MESSAGE), names().optional(), where)
        .as((kind, binder, condition) ->
            new Expr.EventPattern(kind, Optional.empty(), List.of(), false, binder, condition, P));
    return Arbitraries.oneOf(tool, message);
  }

  // ---- policies ----

  private static Arbitrary<Type> types() {
    Arbitrary<Type> primitive = Arbitraries.of(Type.Primitive.class).map(t -> t);
    return Arbitraries.oneOf(primitive, primitive.map(Type.ListOf::new),
        primitive.map(t -> new Type.ListOf(new Type.ListOf(t))));
  }

  private static Arbitrary<Policy.ToolDecl> tools() {
    Arbitrary<Policy.Param> param = Combinators.combine(Arbitraries.of("order_id", "reason", "n", "_p"), types())
        .as((name, type) -> new Policy.Param(name, type, P));
    return Combinators.combine(Arbitraries.of("get_order", "cancel", "count_items"), param.list().ofMaxSize(3),
            types())
        .as((name, params, returns) -> new Policy.ToolDecl(name, params, returns, P));
  }

  private static Arbitrary<Policy.GroupDecl> groups() {
    return Combinators.combine(Arbitraries.of("orders", "all"),
            Arbitraries.of("get_order", "cancel", "orders", "all").list().ofMinSize(1).ofMaxSize(3))
        .as((name, members) -> new Policy.GroupDecl(name, members, P));
  }

  private Arbitrary<Policy.Message> messages() {
    Arbitrary<Policy.Message.Part> part = Arbitraries.oneOf(
        text().filter(s -> !s.isEmpty()).map(Policy.Message.Text::new),
        byDepth.get(2).map(Policy.Message.Hole::new));
    return part.list().ofMaxSize(4).map(Generators::mergeTexts).map(Policy.Message::new);
  }

  /** Adjacent text parts read back as one. */
  private static List<Policy.Message.Part> mergeTexts(List<Policy.Message.Part> parts) {
    List<Policy.Message.Part> merged = new ArrayList<>();
    for (Policy.Message.Part part : parts) {
      int last = merged.size() - 1;
      if (part instanceof Policy.Message.Text text && last >= 0
          && merged.get(last) instanceof Policy.Message.Text previous) {
        merged.set(last, new Policy.Message.Text(previous.text() + text.text()));
      } else {
        merged.add(part);
      }
    }
    return merged;
  }

  private Arbitrary<Policy.Rule> rules() {
    Arbitrary<Expr> formulas = byDepth.get(3);
    return Combinators.combine(
            Arbitraries.of("r", "cancel_only_pending", "rule2"),
            patterns(byDepth.get(1), Arbitraries.just(Optional.empty())),
            formulas.optional(),
            formulas,
            messages().optional())
        .as((name, trigger, condition, requirement, because) ->
            new Policy.Rule(name, trigger, condition, requirement, because, P));
  }

  Arbitrary<Policy> policies() {
    Arbitrary<Policy.LetDecl> lets = Combinators.combine(names(), byDepth.get(2))
        .as((name, value) -> new Policy.LetDecl(name, value, P));
    return Combinators.combine(
            Arbitraries.of("retail", "airline", "p_1"),
            tools().list().ofMaxSize(3),
            groups().list().ofMaxSize(2),
            lets.list().ofMaxSize(2),
            rules().list().ofMaxSize(3))
        .as((name, tools, groups, lets2, rules) -> new Policy(name, tools, groups, lets2, rules, P));
  }
}
