package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.RealExpr;
import com.microsoft.z3.Solver;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A history of {@code length} unknown events followed by an unknown call of one of the declared
 * tools. Every event's kind, tool, arguments, output, texts and time are Z3 constants; the
 * well-formedness constraints (a result answers an earlier call of the same tool with the same
 * arguments; times do not go back; values fit the declared types) are added to the solver.
 */
final class SymbolicEvents implements EventSource {
  static final EventKind[] KINDS = EventKind.values();
  static final long EARLIEST = 1_700_000_000L;

  private final Context ctx;
  private final Z3Values val;
  private final Solver solver;
  private final SymbolicJson json;
  final List<Policy.ToolDecl> tools;
  final int length;
  final IntExpr[] kind;
  final IntExpr[] tool;
  final IntExpr[] answers;
  final RealExpr[] time;
  final RealExpr now;
  final IntExpr candidateTool;
  private final Map<String, Sym> args = new HashMap<>();
  final Sym.Json[] outputs;
  final Expr<DatatypeSort<Object>>[] texts;

  @SuppressWarnings("unchecked")
  SymbolicEvents(Z3Values val, Solver solver, List<Policy.ToolDecl> tools, int length) {
    this.ctx = val.ctx;
    this.val = val;
    this.solver = solver;
    this.json = new SymbolicJson(val, solver);
    this.tools = List.copyOf(tools);
    this.length = length;
    this.kind = new IntExpr[length];
    this.tool = new IntExpr[length];
    this.answers = new IntExpr[length];
    this.time = new RealExpr[length];
    this.outputs = new Sym.Json[length];
    this.texts = new Expr[length];
    for (int j = 0; j < length; j++) {
      kind[j] = bounded("e" + j + ".kind", KINDS.length);
      tool[j] = bounded("e" + j + ".tool", tools.size());
      answers[j] = bounded("e" + j + ".answers", Math.max(j, 1));
      time[j] = ctx.mkRealConst("e" + j + ".time");
      solver.add(ctx.mkGe(time[j], j == 0 ? ctx.mkReal(EARLIEST) : time[j - 1]), ctx.mkIsInteger(time[j]));
      outputs[j] = json.node("e" + j + ".output");
      texts[j] = ctx.mkConst("e" + j + ".text", val.sort);
      solver.add(val.isStr(texts[j]));
    }
    now = ctx.mkRealConst("now");
    solver.add(ctx.mkGe(now, length == 0 ? ctx.mkReal(EARLIEST) : time[length - 1]), ctx.mkIsInteger(now));
    candidateTool = bounded("candidate.tool", tools.size());
    for (int j = 0; j < length; j++) {
      solver.add(resultAnswersACall(j));
    }
  }

  private IntExpr bounded(String name, int size) {
    IntExpr x = ctx.mkIntConst(name);
    solver.add(ctx.mkGe(x, ctx.mkInt(0)), ctx.mkLt(x, ctx.mkInt(Math.max(size, 1))));
    return x;
  }

  private BoolExpr kindIs(int j, EventKind k) {
    return ctx.mkEq(kind[j], ctx.mkInt(k.ordinal()));
  }

  /** A result at j answers a call of the same tool at answers[j] < j (and carries its arguments). */
  private BoolExpr resultAnswersACall(int j) {
    BoolExpr isResult = ctx.mkOr(kindIs(j, EventKind.OK), kindIs(j, EventKind.ERROR));
    if (j == 0) {
      return ctx.mkNot(isResult);
    }
    List<BoolExpr> choices = new ArrayList<>();
    for (int i = 0; i < j; i++) {
      choices.add(ctx.mkAnd(ctx.mkEq(answers[j], ctx.mkInt(i)), kindIs(i, EventKind.CALL), ctx.mkEq(tool[i], tool[j])));
    }
    return ctx.mkImplies(isResult, ctx.mkOr(choices.toArray(new BoolExpr[0])));
  }

  /** The constant for parameter p of tool t at position j (the candidate is position length). */
  Sym own(int j, int t, Policy.Param p) {
    return args.computeIfAbsent(j + "/" + tools.get(t).name() + "/" + p.name(),
        k -> fresh((j == length ? "candidate" : "e" + j) + "." + tools.get(t).name() + "." + p.name(), p.type()));
  }

  /** The constant if some formula used it; reading a model must not create constants. */
  java.util.Optional<Sym> ownIfUsed(int j, int t, Policy.Param p) {
    return java.util.Optional.ofNullable(args.get(j + "/" + tools.get(t).name() + "/" + p.name()));
  }

  private Sym fresh(String name, Type type) {
    if (type instanceof Type.ListOf list) {
      IntExpr len = ctx.mkIntConst(name + ".len");
      solver.add(ctx.mkGe(len, ctx.mkInt(0)), ctx.mkLe(len, ctx.mkInt(Z3Decider.LIST_BOUND)));
      List<Sym> elements = new ArrayList<>();
      for (int i = 0; i < Z3Decider.LIST_BOUND; i++) {
        elements.add(fresh(name + "[" + i + "]", list.element()));
      }
      return new Sym.SymLst(len, elements);
    }
    if (type == Type.Primitive.JSON) {
      return json.node(name);
    }
    Expr<DatatypeSort<Object>> x = ctx.mkConst(name, val.sort);
    solver.add(type == Type.Primitive.STRING ? val.isStr(x) : type == Type.Primitive.NUMBER ? val.isNum(x) : val.isBool(x));
    return new Sym.Scalar(x, null);
  }

  IntExpr toolAt(int j) {
    return j == length ? candidateTool : tool[j];
  }

  @Override
  public int candidatePosition() {
    return length;
  }

  @Override
  public BoolExpr eventIs(int p, EventKind k, Set<String> names) {
    BoolExpr kindOk = p == length ? ctx.mkBool(k == EventKind.CALL) : kindIs(p, k);
    if (k == EventKind.USER_MESSAGE || k == EventKind.ASSISTANT_MESSAGE || names.isEmpty()) {
      return kindOk;
    }
    List<BoolExpr> anyTool = new ArrayList<>();
    for (int t = 0; t < tools.size(); t++) {
      if (names.contains(tools.get(t).name())) {
        anyTool.add(ctx.mkEq(toolAt(p), ctx.mkInt(t)));
      }
    }
    return ctx.mkAnd(kindOk, anyTool.isEmpty() ? ctx.mkFalse() : ctx.mkOr(anyTool.toArray(new BoolExpr[0])));
  }

  @Override
  public Sym arg(int p, String param) {
    Sym out = val.sym(Value.ABSENT);
    for (int t = tools.size() - 1; t >= 0; t--) {
      Policy.ToolDecl decl = tools.get(t);
      if (decl.param(param).isPresent()) {
        out = new Sym.Ite(ctx.mkEq(toolAt(p), ctx.mkInt(t)), argOf(p, t, decl.param(param).get()), out);
      }
    }
    return out;
  }

  /** A call's own argument; a result's is that of the call it answers. */
  private Sym argOf(int p, int t, Policy.Param param) {
    if (p == length) {
      return own(p, t, param);
    }
    Sym answered = val.sym(Value.ABSENT);
    for (int i = p - 1; i >= 0; i--) {
      answered = new Sym.Ite(ctx.mkEq(answers[p], ctx.mkInt(i)), own(i, t, param), answered);
    }
    BoolExpr isResult = ctx.mkOr(kindIs(p, EventKind.OK), kindIs(p, EventKind.ERROR));
    return new Sym.Ite(kindIs(p, EventKind.CALL), own(p, t, param), new Sym.Ite(isResult, answered, val.sym(Value.ABSENT)));
  }

  @Override
  public Sym payload(int p, EventKind k) {
    if (p == length || k == EventKind.CALL) {
      return val.sym(Value.ABSENT);
    }
    Sym value = k == EventKind.OK ? outputs[p] : new Sym.Scalar(texts[p], null);
    return new Sym.Ite(kindIs(p, k), value, val.sym(Value.ABSENT));
  }

  @Override
  public Sym time(int p) {
    return new Sym.Scalar(val.num(p == length ? now : time[p]), null);
  }

  @Override
  public Sym now() {
    return new Sym.Scalar(val.num(now), null);
  }

  SymbolicJson json() {
    return json;
  }
}
