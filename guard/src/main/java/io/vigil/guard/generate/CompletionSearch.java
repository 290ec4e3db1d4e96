package io.vigil.guard.generate;

import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Partial-call questions answered by evaluating rules on concrete calls, before Z3 is needed. A rule
 * that reads none of the unknown arguments is decided on the partial call as it is (exactly: its
 * verdict cannot depend on them). For the other rules, completions are tried with the values the
 * session has seen, the rules' literals and a fresh value: a completion every rule allows proves the
 * call completable. What the search cannot settle is left to Z3, with the rules it could not settle.
 */
final class CompletionSearch {
  /** Complete choices tried against the rules that read several unknown arguments together. */
  static final int JOINT_BUDGET = 256;
  /** Candidate lists for a list argument: the empty list and this many one-element lists. */
  private static final int LIST_CANDIDATES = 32;

  enum Outcome { COMPLETABLE, NOT_COMPLETABLE, UNDECIDED }

  /** {@code open}: the rules that read an unknown argument (what Z3 must be asked when undecided). */
  record Answer(Outcome outcome, List<CompiledRule> open) {}

  private final PolicyOracles oracles;
  private final Monitor monitor;
  private final BigDecimal now;
  private final List<Value> seen;
  private final FreshValues fresh;

  CompletionSearch(PolicyOracles oracles, Monitor monitor, BigDecimal now, List<Value> seen, FreshValues fresh) {
    this.oracles = oracles;
    this.monitor = monitor;
    this.now = now;
    this.seen = seen;
    this.fresh = fresh;
  }

  Situation situation(String tool, Map<String, Value> args) {
    return new Situation(monitor.history(), new Event.ToolCall(null, tool, args, Optional.of(now)), now);
  }

  /** The rules a call of the tool can trigger, cheapest first. */
  List<CompiledRule> rulesFor(String tool) {
    return oracles.cheapestFirst(monitor.plan().rulesFor(tool));
  }

  /** Whether every one of {@code rules} holds for the call with these arguments. */
  boolean holdsAll(List<CompiledRule> rules, String tool, Map<String, Value> args) {
    Situation situation = situation(tool, args);
    for (CompiledRule rule : rules) {
      if (!monitor.holds(rule, situation)) {
        return false;
      }
    }
    return true;
  }

  Answer completable(Policy.ToolDecl tool, Map<String, Value> known, Set<String> unknown) {
    List<CompiledRule> open = new ArrayList<>();
    Situation partial = situation(tool.name(), known);
    for (CompiledRule rule : rulesFor(tool.name())) {
      if (oracles.readsAny(rule, unknown)) {
        open.add(rule);
      } else if (!monitor.holds(rule, partial)) {
        return new Answer(Outcome.NOT_COMPLETABLE, List.of());
      }
    }
    if (open.isEmpty()) {
      return new Answer(Outcome.COMPLETABLE, List.of());
    }
    List<Policy.Param> read = new ArrayList<>();
    for (Policy.Param p : tool.params()) {
      if (unknown.contains(p.name()) && open.stream().anyMatch(r -> oracles.reads(r, p.name()))) {
        read.add(p);
      }
    }
    Set<String> readNames = new LinkedHashSet<>();
    read.forEach(p -> readNames.add(p.name()));
    List<CompiledRule> joint = open.stream().filter(r -> readNames.stream().filter(n -> oracles.reads(r, n)).count() > 1).toList();
    List<List<CompiledRule>> alone = new ArrayList<>();
    List<List<Value>> choices = new ArrayList<>();
    for (Policy.Param p : read) {
      Set<String> others = new LinkedHashSet<>(readNames);
      others.remove(p.name());
      alone.add(open.stream().filter(r -> oracles.reads(r, p.name()) && !oracles.readsAny(r, others)).toList());
      choices.add(candidates(tool.name(), p.type()));
    }
    Witness witness = new Witness(tool.name(), read, alone, choices, joint);
    return witness.search(0, new LinkedHashMap<>(known))
        ? new Answer(Outcome.COMPLETABLE, List.of())
        : new Answer(Outcome.UNDECIDED, open);
  }

  /**
   * A depth-first search for one allowed completion: each argument meets the rules that read it
   * alone (among the unknowns) when it is chosen, remembered per candidate; the rules that read
   * several meet complete choices, at most {@link #JOINT_BUDGET} of them.
   */
  private final class Witness {
    private final String tool;
    private final List<Policy.Param> read;
    private final List<List<CompiledRule>> alone;
    private final List<List<Value>> choices;
    private final List<CompiledRule> joint;
    private final List<Boolean[]> passes = new ArrayList<>();
    private int budget = JOINT_BUDGET;

    Witness(String tool, List<Policy.Param> read, List<List<CompiledRule>> alone, List<List<Value>> choices,
        List<CompiledRule> joint) {
      this.tool = tool;
      this.read = read;
      this.alone = alone;
      this.choices = choices;
      this.joint = joint;
      choices.forEach(c -> passes.add(new Boolean[c.size()]));
    }

    boolean search(int i, Map<String, Value> args) {
      if (i == read.size()) {
        budget--;
        return holdsAll(joint, tool, args);
      }
      String name = read.get(i).name();
      List<Value> candidates = choices.get(i);
      Boolean[] ok = passes.get(i);
      for (int c = 0; c < candidates.size() && budget > 0; c++) {
        args.put(name, candidates.get(c));
        if (ok[c] == null) {
          ok[c] = holdsAll(alone.get(i), tool, args);
        }
        if (ok[c] && search(i + 1, args)) {
          return true;
        }
      }
      args.remove(name);
      return false;
    }
  }

  /** The probe for "an unseen value" of a string or number argument. */
  Value fresh(Type type) {
    return type == Type.Primitive.NUMBER ? fresh.number() : fresh.string();
  }

  /** The values tried for an argument of this type: seen, literal, fresh. Empty for JSON and nested lists. */
  List<Value> candidates(String tool, Type type) {
    if (type == Type.Primitive.BOOL) {
      return List.of(Value.TRUE, Value.FALSE);
    }
    if (type == Type.Primitive.STRING || type == Type.Primitive.NUMBER) {
      Set<Value> out = new LinkedHashSet<>();
      for (Value v : seen) {
        if (fits(v, type)) {
          out.add(v);
        }
      }
      for (Value v : oracles.literals(tool)) {
        if (fits(v, type)) {
          out.add(v);
        }
      }
      out.add(type == Type.Primitive.STRING ? fresh.string() : fresh.number());
      return List.copyOf(out);
    }
    if (type instanceof Type.ListOf list && list.element() instanceof Type.Primitive) {
      List<Value> out = new ArrayList<>();
      out.add(new Value.ListVal(List.of()));
      for (Value element : candidates(tool, list.element())) {
        if (out.size() > LIST_CANDIDATES) {
          break;
        }
        out.add(new Value.ListVal(List.of(element)));
      }
      return out;
    }
    return List.of();
  }

  static boolean fits(Value v, Type type) {
    return type == Type.Primitive.STRING ? v instanceof Value.Str : type == Type.Primitive.NUMBER && v instanceof Value.Num;
  }
}
