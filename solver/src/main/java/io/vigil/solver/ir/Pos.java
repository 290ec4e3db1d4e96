package io.vigil.solver.ir;

/**
 * A trace position: the position being decided ({@link Current}, the candidate call), a bound
 * position variable, or one of those shifted by a constant.
 */
public sealed interface Pos {
  record Current() implements Pos {}

  /** Position 0, the first event of the trace. */
  record Start() implements Pos {}

  record Var(int id) implements Pos {}

  record Shift(Pos base, int delta) implements Pos {}

  Pos CURRENT = new Current();
  Pos START = new Start();

  /** The concrete position, given the candidate's position and the values of position variables. */
  static int resolve(Pos p, int candidate, int[] variables) {
    if (p instanceof Current) {
      return candidate;
    }
    if (p instanceof Start) {
      return 0;
    }
    if (p instanceof Var v) {
      return variables[v.id()];
    }
    Shift s = (Shift) p;
    return resolve(s.base(), candidate, variables) + s.delta();
  }

  static Pos shift(Pos base, int delta) {
    return delta == 0 ? base : new Shift(base, delta);
  }
}
