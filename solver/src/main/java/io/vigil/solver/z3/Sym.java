package io.vigil.solver.z3;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntExpr;
import io.vigil.solver.value.Value;
import java.util.List;
import java.util.Map;

/**
 * A value during encoding: a Z3 scalar, or a list/object whose shape is known on the Java side,
 * a list of unknown length (an argument not generated yet), or a choice between two values.
 */
sealed interface Sym {
  /** A Z3 term of sort Val; {@code known} is its value when it is a literal. */
  record Scalar(Expr<DatatypeSort<Object>> expr, Value known) implements Sym {}

  record Lst(List<Sym> elements) implements Sym {
    public Lst {
      elements = List.copyOf(elements);
    }
  }

  record Obj(Map<String, Sym> fields) implements Sym {}

  /** A list of unknown length {@code length} (at most elements.size()). */
  record SymLst(IntExpr length, List<Sym> elements) implements Sym {
    public SymLst {
      elements = List.copyOf(elements);
    }
  }

  record Ite(BoolExpr condition, Sym then, Sym otherwise) implements Sym {}
}
