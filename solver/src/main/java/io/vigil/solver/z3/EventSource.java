package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import io.vigil.dsl.tree.Expr.EventKind;
import java.util.Set;

/**
 * The events a formula is encoded over: a concrete trace (decisions) or symbolic events whose
 * kinds, tools and values are Z3 constants (analysis). Positions 0..candidatePosition()-1 are the
 * history, candidatePosition() is the call being decided.
 */
interface EventSource {
  int candidatePosition();

  BoolExpr eventIs(int position, EventKind kind, Set<String> tools);

  /** The argument of the call at (or answered by the result at) a valid position. */
  Sym arg(int position, String param);

  /** Output, error text or message text, as the pattern kind asks; absent for other events. */
  Sym payload(int position, EventKind kind);

  /** Seconds since the epoch. */
  Sym time(int position);

  Sym now();
}
