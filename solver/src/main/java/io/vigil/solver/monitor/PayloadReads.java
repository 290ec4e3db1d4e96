package io.vigil.solver.monitor;

import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.Formula;
import io.vigil.solver.ir.Pos;
import io.vigil.solver.ir.Term;
import io.vigil.solver.value.Fields;
import io.vigil.solver.value.Value;
import io.vigil.solver.value.ValueList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a policy's rules can read of the outputs of successful tool calls, per tool, and the
 * projection of an output onto it. A rule reads an output only through paths ({@code
 * r.items[*].price}) under the pattern that binds it, which names the tools; a value a rule uses
 * as a whole (compares it, takes its length or keys, tests membership in it) is kept whole, and of
 * an object only the fields some path names are kept (all of them when a path indexes it by a
 * computed key). Lists keep every element, so lengths and positions do not change. Every
 * formula of the policy therefore evaluates on projected outputs exactly as on full ones. A
 * reason's holes are evaluated at whatever position the explanation left, so their paths are
 * kept in the outputs of every tool.
 */
final class PayloadReads {
  /** The reads of one value: kept whole, or only some fields and (for a list) its elements' reads. */
  static final class Node {
    boolean whole;
    final Map<String, Node> fields = new LinkedHashMap<>();
    /** Reads of every field (an index by a computed key), or null. */
    Node anyField;
    /** Reads of every element of a list, or null (elements are kept, nothing of them read). */
    Node elements;

    Node field(String name) {
      return fields.computeIfAbsent(name, k -> new Node());
    }

    Node elements() {
      if (elements == null) {
        elements = new Node();
      }
      return elements;
    }

    /** Also what {@code other} reads. */
    void add(Node other) {
      if (other == null || other == this) {
        return;
      }
      whole |= other.whole;
      other.fields.forEach((k, v) -> field(k).add(v));
      if (other.anyField != null) {
        if (anyField == null) {
          anyField = new Node();
        }
        anyField.add(other.anyField);
      }
      if (other.elements != null) {
        elements().add(other.elements);
      }
    }
  }

  /**
   * The nodes a term's value stands for: one per tool whose output it may be a path into. {@code
   * mapped}: the value is a mapped list ({@code list[*].path}) whose elements are these nodes.
   */
  private record Paths(List<Node> nodes, boolean mapped) {
    Paths field(String name) {
      return mapped ? null : new Paths(nodes.stream().map(n -> n.field(name)).toList(), false);
    }

    Paths elements() {
      return mapped ? new Paths(nodes, false) : new Paths(nodes.stream().map(Node::elements).toList(), false);
    }

    /** A computed key or position: any field of an object, any element of a list. */
    Paths anyMember() {
      if (mapped) {
        return new Paths(nodes, false);
      }
      List<Node> out = new ArrayList<>();
      for (Node n : nodes) {
        if (n.anyField == null) {
          n.anyField = new Node();
        }
        if (n.elements == null) {
          n.elements = n.anyField;
        } else if (n.elements != n.anyField) {
          // elements read both by position and by a computed one: rare, keep them whole
          n.elements.whole = true;
          n.anyField.whole = true;
        }
        out.add(n.anyField);
      }
      return new Paths(out, false);
    }

    void markWhole() {
      nodes.forEach(n -> n.whole = true);
    }
  }

  private final Map<String, Node> byTool = new HashMap<>();
  private final Node anyTool = new Node();
  private final Map<Integer, Paths> elementVars = new HashMap<>();
  /** Per position of the rule being analysed: the tools of its ok-result tests (null: any tool). */
  private Map<Pos, Set<String>> toolsAt = new HashMap<>();
  private boolean inHole;

  private PayloadReads() {}

  /** The reads of every rule of the policy, by tool. */
  static Reads of(CompiledPolicy policy) {
    PayloadReads reads = new PayloadReads();
    for (CompiledRule rule : policy.rules()) {
      reads.elementVars.clear();
      reads.toolsAt = new HashMap<>();
      okTests(rule.triggered(), reads.toolsAt);
      okTests(rule.requirement(), reads.toolsAt);
      reads.formula(rule.triggered());
      reads.formula(rule.requirement());
      reads.inHole = true;
      for (CompiledRule.MessagePart part : rule.message()) {
        if (part instanceof CompiledRule.MessagePart.Hole h) {
          reads.used(h.term());
        }
      }
      reads.inHole = false;
    }
    reads.byTool.values().forEach(n -> n.add(reads.anyTool));
    return new Reads(Map.copyOf(reads.byTool), reads.anyTool);
  }

  /** The analysis's result: the reads of each tool's outputs. */
  record Reads(Map<String, Node> byTool, Node anyTool) {
    Node of(String tool) {
      return byTool.getOrDefault(tool, anyTool);
    }
  }

  /** The tools of every ok-result test in {@code f}, by position; a test of any tool makes it null. */
  private static void okTests(Formula f, Map<Pos, Set<String>> out) {
    if (f instanceof Formula.EventIs e) {
      if (e.kind() == EventKind.OK) {
        if (e.tools().isEmpty()) {
          out.put(e.pos(), null);
        } else if (!out.containsKey(e.pos()) || out.get(e.pos()) != null) {
          Set<String> tools = new HashSet<>(e.tools());
          if (out.get(e.pos()) != null) {
            tools.addAll(out.get(e.pos()));
          }
          out.put(e.pos(), tools);
        }
      }
    } else if (f instanceof Formula.Not n) {
      okTests(n.operand(), out);
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(x -> okTests(x, out));
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(x -> okTests(x, out));
    } else if (f instanceof Formula.Implies i) {
      okTests(i.premise(), out);
      okTests(i.conclusion(), out);
    } else if (f instanceof Formula.ExistsPos e) {
      okTests(e.body(), out);
    } else if (f instanceof Formula.ForallPos a) {
      okTests(a.body(), out);
    } else if (f instanceof Formula.ExistsElem e) {
      okTests(e.body(), out);
    } else if (f instanceof Formula.ForallElem a) {
      okTests(a.body(), out);
    } else if (f instanceof Formula.Compare c) {
      okTests(c.left(), out);
      okTests(c.right(), out);
    } else if (f instanceof Formula.In in) {
      okTests(in.element(), out);
      okTests(in.collection(), out);
    } else if (f instanceof Formula.Matches m) {
      okTests(m.subject(), out);
    } else if (f instanceof Formula.Truthy t) {
      okTests(t.term(), out);
    }
  }

  private static void okTests(Term t, Map<Pos, Set<String>> out) {
    if (t instanceof Term.CountPos c) {
      okTests(c.body(), out);
    } else if (t instanceof Term.Truth truth) {
      okTests(truth.formula(), out);
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(x -> okTests(x, out));
    } else if (t instanceof Term.Arith a) {
      okTests(a.left(), out);
      okTests(a.right(), out);
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(x -> okTests(x, out));
    } else if (t instanceof Term.Negate n) {
      okTests(n.operand(), out);
    } else if (t instanceof Term.Field f) {
      okTests(f.base(), out);
    } else if (t instanceof Term.Index i) {
      okTests(i.base(), out);
      okTests(i.index(), out);
    } else if (t instanceof Term.MapList m) {
      okTests(m.list(), out);
      okTests(m.body(), out);
    }
  }

  // ------------------------------------------------------------------ analysis

  private void formula(Formula f) {
    if (f instanceof Formula.Not n) {
      formula(n.operand());
    } else if (f instanceof Formula.And a) {
      a.operands().forEach(this::formula);
    } else if (f instanceof Formula.Or o) {
      o.operands().forEach(this::formula);
    } else if (f instanceof Formula.Implies i) {
      formula(i.premise());
      formula(i.conclusion());
    } else if (f instanceof Formula.Compare c) {
      used(c.left());
      used(c.right());
    } else if (f instanceof Formula.In in) {
      Paths collection = path(in.collection());
      if (collection != null && in.element() instanceof Term.Lit l && l.value() instanceof Value.Str s) {
        // a literal: a key of an object (its presence) or an element of a list (all compared)
        Paths key = collection.field(s.value());
        if (key == null) {
          collection.markWhole();
        }
        collection.elements().markWhole();
      } else if (collection != null) {
        collection.markWhole();
      }
      used(in.element());
    } else if (f instanceof Formula.Matches m) {
      used(m.subject());
    } else if (f instanceof Formula.ExistsPos e) {
      formula(e.body());
    } else if (f instanceof Formula.ForallPos a) {
      formula(a.body());
    } else if (f instanceof Formula.ExistsElem e) {
      bindElements(e.var(), e.list());
      formula(e.body());
    } else if (f instanceof Formula.ForallElem a) {
      bindElements(a.var(), a.list());
      formula(a.body());
    } else if (f instanceof Formula.Truthy t) {
      used(t.term());
    }
  }

  private void bindElements(int var, Term list) {
    Paths paths = path(list);
    if (paths != null) {
      elementVars.put(var, paths.elements());
    } else {
      used(list);
    }
  }

  /** A term whose value is used as a whole: an output path it denotes is kept whole. */
  private void used(Term t) {
    Paths paths = path(t);
    if (paths != null) {
      paths.markWhole();
      return;
    }
    if (t instanceof Term.Arith a) {
      used(a.left());
      used(a.right());
    } else if (t instanceof Term.Negate n) {
      used(n.operand());
    } else if (t instanceof Term.Apply a) {
      a.args().forEach(this::used);
    } else if (t instanceof Term.ListOf l) {
      l.elements().forEach(this::used);
    } else if (t instanceof Term.CountPos c) {
      formula(c.body());
    } else if (t instanceof Term.Truth truth) {
      formula(truth.formula());
    }
    // literals, arguments, times, now: nothing of an output
  }

  /**
   * The nodes of the output values {@code t} denotes, when it is a path into an output (index
   * terms inside it are analysed as used); null otherwise.
   */
  private Paths path(Term t) {
    if (t instanceof Term.Payload p) {
      if (p.kind() != EventKind.OK) {
        return null;
      }
      Set<String> tools = inHole ? null : toolsAt.get(p.pos());
      if (tools == null) {
        return new Paths(List.of(anyTool), false);
      }
      return new Paths(tools.stream().sorted().map(tool -> byTool.computeIfAbsent(tool, k -> new Node())).toList(), false);
    }
    if (t instanceof Term.ElemVar v) {
      return elementVars.get(v.id());
    }
    if (t instanceof Term.Field f) {
      Paths base = path(f.base());
      return base == null ? null : base.field(f.name());
    }
    if (t instanceof Term.Index i) {
      Paths base = path(i.base());
      used(i.index());
      if (base == null) {
        return null;
      }
      if (i.index() instanceof Term.Lit l && l.value() instanceof Value.Str s) {
        return base.field(s.value());
      }
      if (i.index() instanceof Term.Lit l && l.value() instanceof Value.Num) {
        return base.elements();
      }
      return base.anyMember();
    }
    if (t instanceof Term.MapList m) {
      Paths list = path(m.list());
      if (list == null) {
        used(m.list());
        return null;
      }
      elementVars.put(m.var(), list.elements());
      Paths body = path(m.body());
      if (body == null) {
        used(m.body());
        return null;
      }
      return new Paths(body.nodes(), true);
    }
    return null;
  }

  // ------------------------------------------------------------------ projection

  private static final Node NOTHING = new Node();

  /** {@code value} with only what {@code node} reads of it (the same instance when nothing is dropped). */
  static Value project(Value value, Node node) {
    if (node == null) {
      node = NOTHING;
    }
    if (node.whole) {
      return value;
    }
    if (value instanceof Value.Obj o) {
      Fields fields = (Fields) o.fields();
      Map<String, Value> kept = new LinkedHashMap<>();
      boolean changed = false;
      for (int i = 0; i < fields.size(); i++) {
        String key = fields.keyAt(i);
        Node child = node.fields.get(key);
        Value v = fields.valueAt(i);
        Value p;
        if (node.anyField == null) {
          if (child == null) {
            changed = true; // nothing reads this field
            continue;
          }
          p = project(v, child);
        } else {
          // reached by a computed key; one also named by a path is kept whole (rare)
          p = child == null ? project(v, node.anyField) : v;
        }
        changed |= p != v;
        kept.put(key, p);
      }
      return changed ? new Value.Obj(kept) : value;
    }
    if (value instanceof Value.ListVal l) {
      Value[] out = null;
      for (int i = 0; i < l.elements().size(); i++) {
        Value v = l.elements().get(i);
        Value p = project(v, node.elements);
        if (p != v && out == null) {
          out = l.elements().toArray(new Value[0]);
        }
        if (out != null) {
          out[i] = p;
        }
      }
      return out == null ? value : new Value.ListVal(ValueList.copyOf(java.util.Arrays.asList(out)));
    }
    return value; // strings, numbers, booleans, null: kept
  }
}
