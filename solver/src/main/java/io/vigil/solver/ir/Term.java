package io.vigil.solver.ir;

import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.value.Value;
import java.util.List;

/** First-order terms: values of the trace and of literals, denoting {@link Value}s. */
public sealed interface Term {
  record Lit(Value value) implements Term {}

  /** The time of the call being decided. */
  record Now() implements Term {}

  /** An argument of the call at (or answered by the result at) a position. */
  record ArgOf(Pos pos, String param) implements Term {}

  /** The output of a successful result, the error text of a failed one, or a message's text. */
  record Payload(Pos pos, EventKind kind) implements Term {}

  /** The time of the event at a position, in seconds since the epoch. */
  record TimeOf(Pos pos) implements Term {}

  /** An element of a list bound by a quantifier or by a path spread. */
  record ElemVar(int id) implements Term {}

  record Field(Term base, String name) implements Term {}

  record Index(Term base, Term index) implements Term {}

  /** {@code list[*]...}: {@code body} (over {@code ElemVar(var)}) for every element, absents dropped. */
  record MapList(Term list, int var, Term body) implements Term {}

  enum ArithOp { ADD, SUB, MUL, MOD }

  record Arith(ArithOp op, Term left, Term right) implements Term {}

  record Negate(Term operand) implements Term {}

  enum Function { LEN, SUM, KEYS, TIME, LOWER, UPPER, ABS, MIN, MAX }

  record Apply(Function function, List<Term> args) implements Term {
    public Apply {
      args = List.copyOf(args);
    }
  }

  record ListOf(List<Term> elements) implements Term {
    public ListOf {
      elements = List.copyOf(elements);
    }
  }

  /** The number of positions j in [0, hi) where {@code body} holds (Pos.Var(var) = j). */
  record CountPos(int var, Pos hi, Formula body) implements Term {}

  /** A formula used as a value: true or false. */
  record Truth(Formula formula) implements Term {}
}
