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

  static Pos shift(Pos base, int delta) {
    return delta == 0 ? base : new Shift(base, delta);
  }
}
