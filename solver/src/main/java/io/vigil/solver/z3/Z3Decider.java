package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.Model;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CandidateReads;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference decision procedure: each rule's formula, unrolled over the situation, is handed to
 * Z3. Ground calls ask "is the negation of the rule satisfiable?"; partial calls (arguments still
 * unknown) ask "is there a completion every rule allows?" and "which values of this argument are
 * allowed?". One Z3 context per decider; calls are serialized.
 */
public final class Z3Decider implements AutoCloseable {
  /** Unknown list arguments are explored up to this many elements. */
  public static final int LIST_BOUND = 3;

  private final CompiledPolicy policy;
  private final Context ctx;
  private final Z3Values val;

  public Z3Decider(CompiledPolicy policy) {
    this.policy = policy;
    this.ctx = new Context();
    this.val = new Z3Values(ctx);
  }

  /** Allow or deny a ground call; reasons and witnesses come from the shared rule semantics. */
  public synchronized Decision decide(Situation situation) {
    List<Decision.Violation> violations = new ArrayList<>();
    for (CompiledRule rule : policy.rules()) {
      Solver solver = ctx.mkSolver();
      solver.add(ctx.mkNot(encoder(situation, Map.of(), rule).formula(rule.holds())));
      Status status = solver.check();
      if (status == Status.UNKNOWN) {
        throw new IllegalStateException("Z3 returned unknown for rule " + rule.name() + ": " + solver.getReasonUnknown());
      }
      if (status == Status.SATISFIABLE) {
        violations.add(FastDecider.violation(rule, situation));
      }
    }
    return violations.isEmpty() ? Decision.allow() : Decision.deny(violations, Map.of());
  }

  /**
   * Whether the candidate, with the given parameters still unknown (absent from its args), can be
   * completed into a call that every rule allows.
   */
  public synchronized boolean completable(Situation partial, Set<String> unknownParams) {
    Solver solver = ctx.mkSolver();
    Map<String, Sym> unknown = unknowns(partial.candidate().tool(), unknownParams, solver);
    for (CompiledRule rule : policy.rules()) {
      solver.add(encoder(partial, unknown, rule).formula(rule.holds()));
    }
    return check(solver) == Status.SATISFIABLE;
  }

  /**
   * The values among {@code candidates} that {@code param} may take, with the other unknown
   * parameters existentially quantified, found by asking Z3 for models and blocking each.
   */
  public synchronized List<Value> allowedValues(Situation partial, String param, Set<String> otherUnknown, List<Value> candidates) {
    return allowedValues(partial, param, otherUnknown, candidates, policy.rules());
  }

  private List<Value> allowedValues(Situation partial, String param, Set<String> otherUnknown, List<Value> candidates,
      List<CompiledRule> rules) {
    Solver solver = ctx.mkSolver();
    Set<String> unknownParams = new LinkedHashSet<>(otherUnknown);
    unknownParams.add(param);
    Map<String, Sym> unknown = unknowns(partial.candidate().tool(), unknownParams, solver);
    if (!(unknown.get(param) instanceof Sym.Scalar target)) {
      return List.of();
    }
    List<BoolExpr> choices = new ArrayList<>();
    Map<Expr<?>, Value> byLiteral = new LinkedHashMap<>();
    for (Value c : candidates) {
      Expr<DatatypeSort<Object>> literal = val.literal(c);
      byLiteral.put(literal, c);
      choices.add(ctx.mkEq(target.expr(), literal));
    }
    if (choices.isEmpty()) {
      return List.of();
    }
    solver.add(ctx.mkOr(choices.toArray(new BoolExpr[0])));
    for (CompiledRule rule : rules) {
      solver.add(encoder(partial, unknown, rule).formula(rule.holds()));
    }
    List<Value> allowed = new ArrayList<>();
    while (allowed.size() < candidates.size() && check(solver) == Status.SATISFIABLE) {
      Model model = solver.getModel();
      Expr<DatatypeSort<Object>> chosen = model.eval(target.expr(), true);
      Value value = byLiteral.get(chosen);
      if (value == null) {
        break;
      }
      allowed.add(value);
      solver.add(ctx.mkNot(ctx.mkEq(target.expr(), chosen)));
    }
    return allowed;
  }

  /**
   * For a denied ground call: for each scalar argument, the other values seen in the session that
   * would make the call allowed if that argument alone changed.
   */
  public synchronized Map<String, List<Value>> alternatives(Situation situation) {
    Event.ToolCall call = situation.candidate();
    Optional<Policy.ToolDecl> tool = policy.source().tool(call.tool());
    if (tool.isEmpty()) {
      return Map.of();
    }
    List<Value> pool = CandidateValues.seenIn(situation.history());
    List<CompiledRule> failing = policy.rules().stream()
        .filter(r -> !new Evaluator(situation, r.variables()).holds(r.holds())).toList();
    Map<String, List<Value>> found = new LinkedHashMap<>();
    for (Policy.Param param : tool.get().params()) {
      if (param.type() instanceof Type.ListOf || !call.args().containsKey(param.name())) {
        continue;
      }
      // A rule that never reads this argument keeps its verdict whatever the value: if one of
      // them fails, no value helps; the others hold for every value and need no encoding.
      if (failing.stream().anyMatch(r -> !CandidateReads.argument(r.holds(), param.name()))) {
        continue;
      }
      List<CompiledRule> reading = policy.rules().stream()
          .filter(r -> CandidateReads.argument(r.holds(), param.name())).toList();
      Map<String, Value> args = new LinkedHashMap<>(call.args());
      Value current = args.remove(param.name());
      Situation without = new Situation(situation.history(), new Event.ToolCall(call.id(), call.tool(), args, call.time()), situation.now());
      List<Value> candidates = pool.stream().filter(v -> !v.equals(current) && fits(v, param.type())).toList();
      List<Value> allowed = allowedValues(without, param.name(), Set.of(), candidates, reading);
      if (!allowed.isEmpty()) {
        found.put(param.name(), allowed);
      }
    }
    return found;
  }

  /** The SMT-LIB text of what Z3 is asked: per rule, whether its negation is satisfiable. */
  public synchronized String smt2(Situation situation) {
    StringBuilder out = new StringBuilder();
    for (CompiledRule rule : policy.rules()) {
      Solver solver = ctx.mkSolver();
      solver.add(ctx.mkNot(encoder(situation, Map.of(), rule).formula(rule.holds())));
      out.append("; rule ").append(rule.name()).append(": sat means the call violates it\n")
          .append("(push)\n").append(solver.toString()).append("(check-sat)\n(pop)\n");
    }
    return out.toString();
  }

  private Z3Encoder encoder(Situation situation, Map<String, Sym> unknown, CompiledRule rule) {
    return new Z3Encoder(ctx, val, situation, unknown, rule.variables());
  }

  private Status check(Solver solver) {
    Status status = solver.check();
    if (status == Status.UNKNOWN) {
      throw new IllegalStateException("Z3 returned unknown: " + solver.getReasonUnknown());
    }
    return status;
  }

  /** Fresh Z3 constants for unknown arguments, constrained to their declared types. */
  private Map<String, Sym> unknowns(String toolName, Set<String> params, Solver solver) {
    Policy.ToolDecl tool = policy.source().tool(toolName)
        .orElseThrow(() -> new IllegalArgumentException("unknown tool '" + toolName + "'"));
    Map<String, Sym> out = new LinkedHashMap<>();
    for (String name : params) {
      Policy.Param param = tool.param(name)
          .orElseThrow(() -> new IllegalArgumentException("tool '" + toolName + "' has no parameter '" + name + "'"));
      out.put(name, unknown("arg_" + name, param.type(), solver));
    }
    return out;
  }

  private Sym unknown(String name, Type type, Solver solver) {
    if (type instanceof Type.ListOf list) {
      IntExpr length = ctx.mkIntConst(name + "_len");
      solver.add(ctx.mkGe(length, ctx.mkInt(0)), ctx.mkLe(length, ctx.mkInt(LIST_BOUND)));
      List<Sym> elements = new ArrayList<>();
      for (int i = 0; i < LIST_BOUND; i++) {
        elements.add(unknown(name + "_" + i, list.element(), solver));
      }
      return new Sym.SymLst(length, elements);
    }
    Expr<DatatypeSort<Object>> x = ctx.mkConst(name, val.sort);
    if (type == Type.Primitive.STRING) {
      solver.add(val.isStr(x));
    } else if (type == Type.Primitive.NUMBER) {
      solver.add(val.isNum(x));
    } else if (type == Type.Primitive.BOOL) {
      solver.add(val.isBool(x));
    } else {
      solver.add(ctx.mkNot(val.isAbsent(x)));
    }
    return new Sym.Scalar(x, null);
  }

  private static boolean fits(Value v, Type type) {
    if (type == Type.Primitive.STRING) {
      return v instanceof Value.Str;
    }
    if (type == Type.Primitive.NUMBER) {
      return v instanceof Value.Num;
    }
    if (type == Type.Primitive.BOOL) {
      return v instanceof Value.Bool;
    }
    return true;
  }

  @Override
  public synchronized void close() {
    ctx.close();
  }
}
