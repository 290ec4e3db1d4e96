package io.vigil.solver.z3;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntNum;
import com.microsoft.z3.Model;
import com.microsoft.z3.RatNum;
import com.microsoft.z3.SeqExpr;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bounded question about all histories of exactly {@code length} events followed by a call:
 * rules' formulas are encoded over {@link SymbolicEvents} with the same encoder decisions use, and
 * a model is read back as a JSON Lines witness trace. Used by policy analysis and policy diff.
 */
public final class SymbolicHistory implements AutoCloseable {
  private final Context ctx;
  private final Z3Values val;
  private final Solver solver;
  private final SymbolicEvents events;

  public SymbolicHistory(List<Policy.ToolDecl> tools, int length, int timeoutMillis) {
    this.ctx = new Context();
    this.val = new Z3Values(ctx);
    this.solver = ctx.mkSolver();
    com.microsoft.z3.Params params = ctx.mkParams();
    params.add("timeout", timeoutMillis);
    solver.setParameters(params);
    this.events = new SymbolicEvents(val, solver, tools, length);
  }

  private final java.util.Map<CompiledRule, BoolExpr> holdsCache = new java.util.IdentityHashMap<>();

  /** The formula that the rule holds on the symbolic situation (encoded once per rule). */
  public BoolExpr holds(CompiledRule rule) {
    return holdsCache.computeIfAbsent(rule, r -> encode(r.holds(), r));
  }

  public void push() {
    solver.push();
  }

  public void pop() {
    solver.pop();
  }

  public BoolExpr triggered(CompiledRule rule) {
    return encode(rule.triggered(), rule);
  }

  private BoolExpr encode(Formula f, CompiledRule rule) {
    return new Z3Encoder(ctx, val, events, rule.variables()).formula(f);
  }

  /** All rules of a policy hold: the call is allowed. */
  public BoolExpr allowedBy(CompiledPolicy policy) {
    List<BoolExpr> all = new ArrayList<>();
    for (CompiledRule rule : policy.rules()) {
      all.add(holds(rule));
    }
    return all.isEmpty() ? ctx.mkTrue() : ctx.mkAnd(all.toArray(new BoolExpr[0]));
  }

  /**
   * Every call of the history is one the policy allows at its own position, so that replaying the
   * witness under enforcement keeps every event.
   */
  public BoolExpr historyAllowedBy(CompiledPolicy policy) {
    List<BoolExpr> all = new ArrayList<>();
    for (int j = 0; j < events.length; j++) {
      List<BoolExpr> rules = new ArrayList<>();
      for (CompiledRule rule : policy.rules()) {
        rules.add(new Z3Encoder(ctx, val, new PrefixView(events, j), rule.variables()).formula(rule.holds()));
      }
      BoolExpr isCall = ctx.mkEq(events.kind[j], ctx.mkInt(EventKind.CALL.ordinal()));
      all.add(ctx.mkImplies(isCall, rules.isEmpty() ? ctx.mkTrue() : ctx.mkAnd(rules.toArray(new BoolExpr[0]))));
    }
    return all.isEmpty() ? ctx.mkTrue() : ctx.mkAnd(all.toArray(new BoolExpr[0]));
  }

  public BoolExpr not(BoolExpr f) {
    return ctx.mkNot(f);
  }

  public BoolExpr and(BoolExpr... fs) {
    return ctx.mkAnd(fs);
  }

  public BoolExpr or(BoolExpr... fs) {
    return ctx.mkOr(fs);
  }

  public BoolExpr implies(BoolExpr a, BoolExpr b) {
    return ctx.mkImplies(a, b);
  }

  public BoolExpr xor(BoolExpr a, BoolExpr b) {
    return ctx.mkXor(a, b);
  }

  public BoolExpr candidateIs(String tool) {
    for (int t = 0; t < events.tools.size(); t++) {
      if (events.tools.get(t).name().equals(tool)) {
        return ctx.mkEq(events.candidateTool, ctx.mkInt(t));
      }
    }
    return ctx.mkFalse();
  }

  public void add(BoolExpr f) {
    solver.add(f);
  }

  /** A Boolean that names an assumption (for unsat cores). */
  public BoolExpr label(String name) {
    return ctx.mkBoolConst(name);
  }

  public Status check(BoolExpr... assumptions) {
    return solver.check(assumptions);
  }

  /** The labels of the assumptions that made the last check unsatisfiable. */
  public List<String> unsatCore() {
    List<String> out = new ArrayList<>();
    for (BoolExpr e : solver.getUnsatCore()) {
      out.add(e.toString().replace("|", ""));
    }
    return out;
  }

  /** Rules out the shape (kinds, tools, candidate tool) of the last model, to look for another. */
  public void blockLastShape() {
    Model model = solver.getModel();
    List<BoolExpr> same = new ArrayList<>();
    for (int j = 0; j < events.length; j++) {
      same.add(ctx.mkEq(events.kind[j], model.eval(events.kind[j], true)));
      same.add(ctx.mkEq(events.tool[j], model.eval(events.tool[j], true)));
    }
    same.add(ctx.mkEq(events.candidateTool, model.eval(events.candidateTool, true)));
    solver.add(ctx.mkNot(ctx.mkAnd(same.toArray(new BoolExpr[0]))));
  }

  /** The last model as trace lines: the history, then the candidate call (id "candidate"). */
  public List<ObjectNode> witness() {
    Model model = solver.getModel();
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<ObjectNode> lines = new ArrayList<>();
    for (int j = 0; j <= events.length; j++) {
      ObjectNode line = f.objectNode();
      EventKind kind = j == events.length ? EventKind.CALL : SymbolicEvents.KINDS[intOf(model, events.kind[j])];
      Policy.ToolDecl tool = events.tools.get(intOf(model, events.toolAt(j)));
      int toolIndex = events.tools.indexOf(tool);
      switch (kind) {
        case USER_MESSAGE:
        case ASSISTANT_MESSAGE:
          line.put("type", kind == EventKind.USER_MESSAGE ? "user_message" : "assistant_message");
          line.put("text", Json.display(read(model, new Sym.Scalar(events.texts[j], null))));
          break;
        case CALL:
          line.put("type", "tool_call");
          line.put("id", j == events.length ? "candidate" : "c" + j);
          line.put("tool", tool.name());
          ObjectNode args = line.putObject("args");
          for (Policy.Param p : tool.params()) {
            Value v = events.ownIfUsed(j, toolIndex, p).map(x -> read(model, x)).orElseGet(() -> placeholder(p.type()));
            args.set(p.name(), Json.toNode(v.isAbsent() ? placeholder(p.type()) : v));
          }
          break;
        default:
          line.put("type", "tool_result");
          line.put("id", "c" + intOf(model, events.answers[j]));
          line.put("tool", tool.name());
          if (kind == EventKind.OK) {
            Value out = read(model, events.outputs[j]);
            line.set("output", Json.toNode(out.isAbsent() ? Value.NULL : out));
          } else {
            line.put("error", Json.display(read(model, new Sym.Scalar(events.texts[j], null))));
          }
      }
      Expr<?> t = model.eval(j == events.length ? events.now : events.time[j], true);
      line.put("time", Instant.ofEpochSecond(decimal(t).longValue()).toString());
      lines.add(line);
    }
    return lines;
  }

  /** A value of the declared type for an argument no rule looks at. */
  private static Value placeholder(io.vigil.dsl.tree.Type type) {
    if (type instanceof io.vigil.dsl.tree.Type.ListOf) {
      return new Value.ListVal(List.of());
    }
    if (type == io.vigil.dsl.tree.Type.Primitive.NUMBER) {
      return Value.of(0);
    }
    if (type == io.vigil.dsl.tree.Type.Primitive.BOOL) {
      return Value.FALSE;
    }
    return type == io.vigil.dsl.tree.Type.Primitive.STRING ? Value.of("x") : Value.NULL;
  }

  private static int intOf(Model model, Expr<?> e) {
    return ((IntNum) model.eval(e, true)).getInt();
  }

  private Value read(Model model, Sym s) {
    if (s instanceof Sym.Scalar x) {
      return decode(model.eval(x.expr(), true));
    }
    if (s instanceof Sym.Ite ite) {
      return read(model, model.eval(ite.condition(), true).isTrue() ? ite.then() : ite.otherwise());
    }
    if (s instanceof Sym.SymLst l) {
      int n = intOf(model, l.length());
      List<Value> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Value v = read(model, l.elements().get(i));
        out.add(v.isAbsent() ? Value.NULL : v);
      }
      return new Value.ListVal(out);
    }
    if (s instanceof Sym.Lst l) {
      return new Value.ListVal(l.elements().stream().map(e -> read(model, e)).toList());
    }
    if (s instanceof Sym.Obj o) {
      Map<String, Value> out = new LinkedHashMap<>();
      o.fields().forEach((k, v) -> out.put(k, read(model, v)));
      return new Value.Obj(out);
    }
    Sym.Json j = (Sym.Json) s;
    return events.json().read(j, model, x -> read(model, x));
  }

  private Value decode(Expr<?> e) {
    String constructor = e.getFuncDecl().getName().toString();
    switch (constructor) {
      case "vstr":
        return Value.of(((SeqExpr<?>) e.getArgs()[0]).getString());
      case "vnum":
        return Value.of(decimal(e.getArgs()[0]));
      case "vbool":
        return Value.of(e.getArgs()[0].isTrue());
      case "vnull":
        return Value.NULL;
      default:
        return Value.ABSENT;
    }
  }

  private static BigDecimal decimal(Expr<?> e) {
    if (e instanceof IntNum i) {
      return new BigDecimal(i.getBigInteger());
    }
    RatNum r = (RatNum) e;
    return new BigDecimal(r.getBigIntNumerator()).divide(new BigDecimal(r.getBigIntDenominator()), MathContext.DECIMAL64);
  }

  @Override
  public void close() {
    ctx.close();
  }
}
