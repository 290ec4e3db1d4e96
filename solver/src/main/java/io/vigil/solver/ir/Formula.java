package io.vigil.solver.ir;

import io.vigil.dsl.tree.Expr.EventKind;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * First-order formulas over trace positions. Temporal operators are compiled away into bounded
 * position quantifiers; the evaluator and the Z3 encoder both read this form.
 */
public sealed interface Formula {
  record Const(boolean value) implements Formula {}

  record Not(Formula operand) implements Formula {}

  record And(List<Formula> operands) implements Formula {
    public And {
      operands = List.copyOf(operands);
    }
  }

  record Or(List<Formula> operands) implements Formula {
    public Or {
      operands = List.copyOf(operands);
    }
  }

  record Implies(Formula premise, Formula conclusion) implements Formula {}

  enum CmpOp { EQ, NE, LT, LE, GT, GE }

  record Compare(CmpOp op, Term left, Term right) implements Formula {}

  /** Element of a list, key of an object, or substring of a string. */
  record In(Term element, Term collection) implements Formula {}

  /** The regex is found in the string ({@code find}, not a whole match). */
  record Matches(Term subject, String regex, boolean ignoreCase, Pattern compiled) implements Formula {
    @Override
    public boolean equals(Object o) {
      return o instanceof Matches m && m.subject.equals(subject) && m.regex.equals(regex) && m.ignoreCase == ignoreCase;
    }

    @Override
    public int hashCode() {
      return subject.hashCode() * 31 + regex.hashCode();
    }
  }

  /** The event at {@code pos} is of this kind and, for tool events, of one of these tools. */
  record EventIs(Pos pos, EventKind kind, Set<String> tools) implements Formula {
    public EventIs {
      tools = Set.copyOf(tools);
    }
  }

  /** The position exists (is not before the start of the trace). */
  record PosValid(Pos pos) implements Formula {}

  /** Some position j in [lo, hi) (Pos.Var(var) = j) satisfies body. */
  record ExistsPos(int var, Pos lo, Pos hi, Formula body) implements Formula {}

  /** Every position j in [lo, hi) satisfies body. */
  record ForallPos(int var, Pos lo, Pos hi, Formula body) implements Formula {}

  record ExistsElem(int var, Term list, Formula body) implements Formula {}

  record ForallElem(int var, Term list, Formula body) implements Formula {}

  /** The value is {@code true}. */
  record Truthy(Term term) implements Formula {}

  Formula TRUE = new Const(true);
  Formula FALSE = new Const(false);
}
