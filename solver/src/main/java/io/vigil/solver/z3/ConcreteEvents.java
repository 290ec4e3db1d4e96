package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.eval.EventMatch;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.value.Value;
import java.util.Map;
import java.util.Set;

/** A concrete situation: event structure is known, values are literals, unknown arguments are constants. */
final class ConcreteEvents implements EventSource {
  private final Z3Values val;
  private final Situation situation;
  private final Map<String, Sym> unknownArgs;

  ConcreteEvents(Z3Values val, Situation situation, Map<String, Sym> unknownArgs) {
    this.val = val;
    this.situation = situation;
    this.unknownArgs = unknownArgs;
  }

  @Override
  public int candidatePosition() {
    return situation.candidatePosition();
  }

  @Override
  public BoolExpr eventIs(int position, EventKind kind, Set<String> tools) {
    return val.ctx.mkBool(EventMatch.is(situation, position, kind, tools));
  }

  @Override
  public Sym arg(int position, String param) {
    Map<String, Value> args = EventMatch.args(situation.event(position));
    if (args.containsKey(param)) {
      return val.sym(args.get(param));
    }
    if (position == situation.candidatePosition() && unknownArgs.containsKey(param)) {
      return unknownArgs.get(param);
    }
    return val.sym(Value.ABSENT);
  }

  @Override
  public Sym payload(int position, EventKind kind) {
    return val.sym(EventMatch.payload(situation.event(position), kind));
  }

  @Override
  public Sym time(int position) {
    return val.sym(Value.of(situation.time(position)));
  }

  @Override
  public Sym now() {
    return val.sym(Value.of(situation.now()));
  }
}
