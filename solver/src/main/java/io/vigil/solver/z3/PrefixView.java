package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import io.vigil.dsl.tree.Expr.EventKind;
import java.util.Set;

/** The symbolic history seen from one of its own calls: position {@code at} is the call decided. */
final class PrefixView implements EventSource {
  private final SymbolicEvents events;
  private final int at;

  PrefixView(SymbolicEvents events, int at) {
    this.events = events;
    this.at = at;
  }

  @Override
  public int candidatePosition() {
    return at;
  }

  @Override
  public BoolExpr eventIs(int position, EventKind kind, Set<String> tools) {
    return events.eventIs(position, kind, tools);
  }

  @Override
  public Sym arg(int position, String param) {
    return events.arg(position, param);
  }

  @Override
  public Sym payload(int position, EventKind kind) {
    return events.payload(position, kind);
  }

  @Override
  public Sym time(int position) {
    return events.time(position);
  }

  @Override
  public Sym now() {
    return events.time(at);
  }
}
