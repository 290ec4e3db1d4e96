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

  /**
   * A JSON value nobody has seen (a tool output in a symbolic history). Each view the policy takes
   * of it (as a scalar, a field, an element, a list, its keys) is a fresh constant created on
   * first use and reused after: an over-approximation of real JSON, so "no history exists" answers
   * stay sound; witnesses built from models are replayed before they are believed.
   */
  final class Json implements Sym {
    final String name;
    final SymbolicJson factory;
    Expr<DatatypeSort<Object>> scalar;
    final java.util.Map<String, Json> fields = new java.util.LinkedHashMap<>();
    final java.util.Map<String, Json> indexed = new java.util.LinkedHashMap<>();
    final java.util.Map<String, Sym.Scalar> indexKeys = new java.util.LinkedHashMap<>();
    SymLst list;
    SymLst keys;

    Json(String name, SymbolicJson factory) {
      this.name = name;
      this.factory = factory;
    }
  }
}
