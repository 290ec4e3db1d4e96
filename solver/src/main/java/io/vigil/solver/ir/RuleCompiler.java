package io.vigil.solver.ir;

import io.vigil.dsl.check.Groups;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles a checked policy to first-order formulas over trace positions. Temporal operators
 * become bounded position quantifiers; variables bound by patterns become terms at the position
 * where the pattern matched, so no value quantifiers are needed.
 */
public final class RuleCompiler {
  private final Policy policy;
  private final Map<String, Term> constants = new HashMap<>();
  private int nextVariable;

  private RuleCompiler(Policy policy) {
    this.policy = policy;
  }

  public static CompiledPolicy compile(Policy policy, String version) {
    RuleCompiler compiler = new RuleCompiler(policy);
    for (Policy.LetDecl let : policy.constants()) {
      compiler.constants.put(let.name(), compiler.term(let.value(), Pos.CURRENT, Map.of()));
    }
    List<CompiledRule> rules = new ArrayList<>();
    for (Policy.Rule rule : policy.rules()) {
      rules.add(compiler.rule(rule));
    }
    return new CompiledPolicy(policy, version, rules);
  }

  private CompiledRule rule(Policy.Rule rule) {
    nextVariable = 0;
    Map<String, Term> scope = new HashMap<>();
    Formula trigger = pattern(rule.trigger(), Pos.CURRENT, scope);
    List<Formula> triggered = new ArrayList<>(List.of(trigger));
    rule.condition().ifPresent(c -> triggered.add(formula(c, Pos.CURRENT, scope)));
    Formula requirement = formula(rule.requirement(), Pos.CURRENT, scope);
    List<CompiledRule.MessagePart> message = new ArrayList<>();
    rule.because().ifPresent(m -> {
      for (Policy.Message.Part part : m.parts()) {
        if (part instanceof Policy.Message.Text text) {
          message.add(new CompiledRule.MessagePart.Text(text.text()));
        } else if (part instanceof Policy.Message.Hole hole) {
          message.add(new CompiledRule.MessagePart.Hole(term(hole.expr(), Pos.CURRENT, scope)));
        }
      }
    });
    Formula when = triggered.size() == 1 ? trigger : new Formula.And(triggered);
    return new CompiledRule(rule.name(), when, requirement, message, nextVariable, rule.position());
  }

  private int fresh() {
    return nextVariable++;
  }

  /** Compiles a pattern at {@code here}; the variables it binds are added to {@code scope}. */
  private Formula pattern(Expr.EventPattern p, Pos here, Map<String, Term> scope) {
    Set<String> tools = p.target().map(t -> Groups.expand(policy, t)).orElse(Set.of());
    List<Formula> parts = new ArrayList<>();
    parts.add(new Formula.EventIs(here, p.kind(), tools));
    List<Policy.Param> positional =
        p.target().flatMap(policy::tool).map(Policy.ToolDecl::params).orElse(List.of());
    for (int i = 0; i < p.args().size(); i++) {
      Expr.ArgPattern arg = p.args().get(i);
      int index = i;
      if (arg.value().isEmpty()) {
        continue;
      }
      String param = arg.name().orElseGet(() -> positional.get(index).name());
      Term actual = new Term.ArgOf(here, param);
      Expr value = arg.value().get();
      if (value instanceof Expr.VarRef ref && !scope.containsKey(ref.name()) && !constants.containsKey(ref.name())) {
        scope.put(ref.name(), actual);
      } else {
        parts.add(new Formula.Compare(Formula.CmpOp.EQ, actual, term(value, here, scope)));
      }
    }
    p.binder().ifPresent(name -> scope.put(name, new Term.Payload(here, p.kind())));
    p.where().ifPresent(w -> parts.add(formula(w, here, scope)));
    return parts.size() == 1 ? parts.get(0) : new Formula.And(parts);
  }

  private Formula formula(Expr e, Pos here, Map<String, Term> scope) {
    if (e instanceof Expr.BoolLit b) {
      return new Formula.Const(b.value());
    }
    if (e instanceof Expr.EventPattern p) {
      return pattern(p, here, new HashMap<>(scope));
    }
    if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT) {
      return new Formula.Not(formula(u.operand(), here, scope));
    }
    if (e instanceof Expr.Binary b) {
      Optional<Formula> f = binaryFormula(b, here, scope);
      if (f.isPresent()) {
        return f.get();
      }
    }
    if (e instanceof Expr.Matches m) {
      boolean ignoreCase = m.flags().contains("i");
      return new Formula.Matches(term(m.subject(), here, scope), m.regex(), ignoreCase,
          Pattern.compile(m.regex(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
    }
    if (e instanceof Expr.Once o) {
      int j = fresh();
      Pos at = new Pos.Var(j);
      return new Formula.ExistsPos(j, Pos.START, here,
          withinWindow(o.window(), at, formula(o.body(), at, scope)));
    }
    if (e instanceof Expr.Historically h) {
      int j = fresh();
      Pos at = new Pos.Var(j);
      Formula body = formula(h.body(), at, scope);
      return new Formula.ForallPos(j, Pos.START, here,
          h.window().isPresent() ? new Formula.Implies(window(h.window().get(), at), body) : body);
    }
    if (e instanceof Expr.Previous p) {
      Pos before = Pos.shift(here, -1);
      return new Formula.And(List.of(new Formula.PosValid(before), formula(p.body(), before, scope)));
    }
    if (e instanceof Expr.Quantified q) {
      int x = fresh();
      Map<String, Term> inner = new HashMap<>(scope);
      inner.put(q.variable(), new Term.ElemVar(x));
      Term domain = term(q.domain(), here, scope);
      Formula body = formula(q.body(), here, inner);
      return q.quantifier() == Expr.Quantifier.EXISTS
          ? new Formula.ExistsElem(x, domain, body)
          : new Formula.ForallElem(x, domain, body);
    }
    return new Formula.Truthy(term(e, here, scope));
  }

  private Optional<Formula> binaryFormula(Expr.Binary b, Pos here, Map<String, Term> scope) {
    switch (b.op()) {
      case AND:
        return Optional.of(new Formula.And(List.of(formula(b.left(), here, scope), formula(b.right(), here, scope))));
      case OR:
        return Optional.of(new Formula.Or(List.of(formula(b.left(), here, scope), formula(b.right(), here, scope))));
      case IMPLIES:
        return Optional.of(new Formula.Implies(formula(b.left(), here, scope), formula(b.right(), here, scope)));
      case SINCE: {
        int j = fresh();
        int k = fresh();
        Pos anchor = new Pos.Var(j);
        Formula since = new Formula.ForallPos(k, Pos.shift(anchor, 1), here, formula(b.left(), new Pos.Var(k), scope));
        return Optional.of(new Formula.ExistsPos(j, Pos.START, here,
            new Formula.And(List.of(formula(b.right(), anchor, scope), since))));
      }
      case EQ: case NE: case LT: case LE: case GT: case GE:
        return Optional.of(new Formula.Compare(Formula.CmpOp.valueOf(b.op().name()),
            term(b.left(), here, scope), term(b.right(), here, scope)));
      case IN:
        return Optional.of(new Formula.In(term(b.left(), here, scope), term(b.right(), here, scope)));
      case NOT_IN:
        return Optional.of(new Formula.Not(new Formula.In(term(b.left(), here, scope), term(b.right(), here, scope))));
      default:
        return Optional.empty();
    }
  }

  private Formula withinWindow(Optional<Expr.DurationLit> window, Pos at, Formula body) {
    return window.<Formula>map(w -> new Formula.And(List.of(window(w, at), body))).orElse(body);
  }

  private static Formula window(Expr.DurationLit w, Pos at) {
    return new Formula.Compare(Formula.CmpOp.LE,
        new Term.Arith(Term.ArithOp.SUB, new Term.Now(), new Term.TimeOf(at)),
        new Term.Lit(Value.of(w.seconds())));
  }

  private Term term(Expr e, Pos here, Map<String, Term> scope) {
    if (e instanceof Expr.StringLit s) {
      return new Term.Lit(Value.of(s.value()));
    }
    if (e instanceof Expr.NumberLit n) {
      return new Term.Lit(Value.of(n.value()));
    }
    if (e instanceof Expr.DurationLit d) {
      return new Term.Lit(Value.of(d.seconds()));
    }
    if (e instanceof Expr.NullLit) {
      return new Term.Lit(Value.NULL);
    }
    if (e instanceof Expr.Now) {
      return new Term.Now();
    }
    if (e instanceof Expr.VarRef v) {
      Term bound = scope.containsKey(v.name()) ? scope.get(v.name()) : constants.get(v.name());
      if (bound == null) {
        throw new IllegalStateException(v.position() + ": unbound variable '" + v.name() + "' reached the compiler");
      }
      return bound;
    }
    if (e instanceof Expr.ListLit l) {
      return new Term.ListOf(l.elements().stream().map(x -> term(x, here, scope)).toList());
    }
    if (e instanceof Expr.Field f) {
      return mapOver(term(f.base(), here, scope), base -> new Term.Field(base, f.name()));
    }
    if (e instanceof Expr.Index i) {
      Term index = term(i.index(), here, scope);
      return mapOver(term(i.base(), here, scope), base -> new Term.Index(base, index));
    }
    if (e instanceof Expr.Spread s) {
      Term base = term(s.base(), here, scope);
      int x = fresh();
      if (base instanceof Term.MapList m) {
        // a second spread flattens: map each element's list to its elements
        return new Term.MapList(m.list(), m.var(), new Term.MapList(m.body(), x, new Term.ElemVar(x)));
      }
      return new Term.MapList(base, x, new Term.ElemVar(x));
    }
    if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEGATE) {
      return new Term.Negate(term(u.operand(), here, scope));
    }
    if (e instanceof Expr.Binary b && arithmetic(b.op()) != null) {
      return new Term.Arith(arithmetic(b.op()), term(b.left(), here, scope), term(b.right(), here, scope));
    }
    if (e instanceof Expr.Call c) {
      return new Term.Apply(Term.Function.valueOf(c.function().toUpperCase(java.util.Locale.ROOT)),
          c.args().stream().map(a -> term(a, here, scope)).toList());
    }
    if (e instanceof Expr.Count c) {
      int j = fresh();
      Pos at = new Pos.Var(j);
      return new Term.CountPos(j, here, withinWindow(c.window(), at, formula(c.body(), at, scope)));
    }
    return new Term.Truth(formula(e, here, scope));
  }

  /** Continues a path: after a spread, the step applies to every element. */
  private static Term mapOver(Term base, java.util.function.UnaryOperator<Term> step) {
    if (base instanceof Term.MapList m) {
      return new Term.MapList(m.list(), m.var(), mapOver(m.body(), step));
    }
    return step.apply(base);
  }

  private static Term.ArithOp arithmetic(Expr.BinaryOp op) {
    switch (op) {
      case ADD: return Term.ArithOp.ADD;
      case SUB: return Term.ArithOp.SUB;
      case MUL: return Term.ArithOp.MUL;
      case MOD: return Term.ArithOp.MOD;
      default: return null;
    }
  }

}
