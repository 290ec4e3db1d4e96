package io.vigil.solver.z3;

import com.microsoft.z3.Context;
import com.microsoft.z3.DatatypeSort;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.Model;
import com.microsoft.z3.Solver;
import io.vigil.solver.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates the views of symbolic JSON values and reads them back from a model. */
final class SymbolicJson {
  /** Lists and key sets of unknown JSON hold at most this many elements. */
  static final int BOUND = 3;

  private final Context ctx;
  private final Z3Values val;
  private final Solver solver;

  SymbolicJson(Z3Values val, Solver solver) {
    this.ctx = val.ctx;
    this.val = val;
    this.solver = solver;
  }

  Sym.Json node(String name) {
    return new Sym.Json(name, this);
  }

  Expr<DatatypeSort<Object>> scalar(Sym.Json j) {
    if (j.scalar == null) {
      j.scalar = ctx.mkConst(j.name, val.sort);
    }
    return j.scalar;
  }

  Sym.Json field(Sym.Json j, String field) {
    return j.fields.computeIfAbsent(field, f -> node(j.name + "." + f));
  }

  /** {@code j[key]}: one child per distinct key term. */
  Sym.Json index(Sym.Json j, Sym.Scalar key) {
    String text = key.known() != null ? key.known().toString() : key.expr().toString();
    j.indexKeys.putIfAbsent(text, key);
    return j.indexed.computeIfAbsent(text, k -> node(j.name + "[" + j.indexed.size() + "]"));
  }

  Sym.SymLst list(Sym.Json j) {
    if (j.list == null) {
      IntExpr length = ctx.mkIntConst(j.name + ".len");
      solver.add(ctx.mkGe(length, ctx.mkInt(0)), ctx.mkLe(length, ctx.mkInt(BOUND)));
      List<Sym> elements = new ArrayList<>();
      for (int i = 0; i < BOUND; i++) {
        elements.add(node(j.name + "[*" + i + "]"));
      }
      j.list = new Sym.SymLst(length, elements);
    }
    return j.list;
  }

  Sym.SymLst keys(Sym.Json j) {
    if (j.keys == null) {
      IntExpr count = ctx.mkIntConst(j.name + ".keys");
      solver.add(ctx.mkGe(count, ctx.mkInt(0)), ctx.mkLe(count, ctx.mkInt(BOUND)));
      List<Sym> keys = new ArrayList<>();
      for (int i = 0; i < BOUND; i++) {
        Expr<DatatypeSort<Object>> k = ctx.mkConst(j.name + ".key" + i, val.sort);
        solver.add(val.isStr(k));
        keys.add(new Sym.Scalar(k, null));
      }
      j.keys = new Sym.SymLst(count, keys);
    }
    return j.keys;
  }

  /** The JSON a model gives to a node: an object if fields or keys were used, a list, or a scalar. */
  Value read(Sym.Json j, Model model, java.util.function.Function<Sym, Value> readSym) {
    boolean objectLike = !j.fields.isEmpty() || j.keys != null || j.indexKeys.values().stream().anyMatch(k -> readSym.apply(k) instanceof Value.Str);
    if (objectLike) {
      Map<String, Value> out = new LinkedHashMap<>();
      if (j.keys != null) {
        int count = ((com.microsoft.z3.IntNum) model.eval(j.keys.length(), true)).getInt();
        for (int i = 0; i < count; i++) {
          if (readSym.apply(j.keys.elements().get(i)) instanceof Value.Str s) {
            out.put(s.value(), Value.NULL);
          }
        }
      }
      j.indexed.forEach((text, child) -> {
        if (readSym.apply(j.indexKeys.get(text)) instanceof Value.Str s) {
          putPresent(out, s.value(), read(child, model, readSym));
        }
      });
      j.fields.forEach((f, child) -> putPresent(out, f, read(child, model, readSym)));
      return new Value.Obj(out);
    }
    if (j.list != null || !j.indexed.isEmpty()) {
      List<Value> out = new ArrayList<>();
      int length = j.list == null ? 0 : ((com.microsoft.z3.IntNum) model.eval(j.list.length(), true)).getInt();
      for (int i = 0; i < length; i++) {
        out.add(orNull(read((Sym.Json) j.list.elements().get(i), model, readSym)));
      }
      j.indexed.forEach((text, child) -> {
        if (readSym.apply(j.indexKeys.get(text)) instanceof Value.Num n) {
          int at = n.value().intValue();
          while (out.size() <= at && at < 16) {
            out.add(Value.NULL);
          }
          if (at >= 0 && at < out.size()) {
            out.set(at, orNull(read(child, model, readSym)));
          }
        }
      });
      return new Value.ListVal(out);
    }
    return j.scalar == null ? Value.NULL : readSym.apply(new Sym.Scalar(j.scalar, null));
  }

  private static void putPresent(Map<String, Value> out, String key, Value v) {
    if (!v.isAbsent()) {
      out.put(key, v);
    }
  }

  private static Value orNull(Value v) {
    return v.isAbsent() ? Value.NULL : v;
  }
}
