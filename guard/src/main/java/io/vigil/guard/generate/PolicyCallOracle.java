package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.guard.session.EventJson;
import io.vigil.guard.session.EventValidator;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.Verdict;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import io.vigil.solver.z3.CandidateValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The policy's answers to the decoder, for one snapshot of a session: its history and the time
 * {@code now} at which the generated call would be made. Answers are memoized (the snapshot does not
 * change), and every error fails closed: not completable, no value allowed, deny.
 *
 * <ul>
 *   <li>{@link #completable}: exact. Rules that read no unknown argument are evaluated on the
 *       partial call; the others first meet concrete completions ({@link CompletionSearch}), and
 *       only when none of those is allowed is Z3 asked, over just those rules, with the unknown
 *       arguments as constants.
 *   <li>{@link #allowedValues}: a steering heuristic (see there).
 *   <li>{@link #decide}: the sidecar's own path for a check, the call validated against the
 *       tool's declaration and decided by the incremental {@link Monitor} (no Z3): the guarantee.
 * </ul>
 */
public final class PolicyCallOracle implements CallOracle {
  /** Values of the session offered as candidates; the same bound the sidecar's AllowedNow uses. */
  private static final int POOL_LIMIT = 200;

  private final PolicyOracles oracles;
  private final Policy policy;
  private final Monitor monitor;
  private final BigDecimal now;
  private final CompletionSearch search;

  private final Map<ValueCall, Boolean> completableAnswers = new HashMap<>();
  private final Map<ValueQuestion, Optional<List<JsonNode>>> valueAnswers = new HashMap<>();
  private final Map<GroundCall, Verdict> verdicts = new HashMap<>();
  private final List<String> engineErrors = new ArrayList<>();
  private int z3Questions;

  private record ValueCall(String tool, Map<String, Value> known, Set<String> unknown) {}

  private record ValueQuestion(PartialCall call, String param) {}

  private record GroundCall(String tool, JsonNode arguments) {}

  /**
   * @param oracles what the oracles of the policy version share (its decider, Z3 contexts)
   * @param history the session's committed events (copied)
   * @param now seconds since the epoch: the time of the call being generated
   */
  public PolicyCallOracle(PolicyOracles oracles, History history, BigDecimal now) {
    PolicyDecider decider = oracles.decider();
    this.oracles = oracles;
    this.policy = decider.policy().source();
    this.monitor = Monitor.of(decider.monitorPlan(), history);
    this.now = now;
    List<Value> seen = CandidateValues.seenIn(monitor.history(), POOL_LIMIT);
    List<Value> everything = new ArrayList<>(seen);
    everything.addAll(oracles.allLiterals());
    this.search = new CompletionSearch(oracles, monitor, now, seen, new FreshValues(everything));
  }

  public BigDecimal now() {
    return now;
  }

  /** What went wrong inside the engine while answering (each error made an answer fail closed). */
  public synchronized List<String> engineErrors() {
    return List.copyOf(engineErrors);
  }

  /** How many questions (memo misses) evaluation could not settle and Z3 answered. */
  public synchronized int z3Questions() {
    return z3Questions;
  }

  @Override
  public synchronized boolean completable(PartialCall call) {
    try {
      Map<String, Value> known = new LinkedHashMap<>();
      call.known().forEach((k, v) -> known.put(k, Json.fromNode(v)));
      return completable(call.tool(), known, call.unknown());
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return failClosed(false, e);
    }
  }

  /**
   * Whether {@code param} is confined to finitely many values here, and which. First, whether a
   * fresh value (one the session and the rules never mention) would let the call be completed: if
   * so, the model chooses freely ({@code Optional.empty()}). If not, the answer is the values among
   * those the session has seen and the rules' literals that the policy allows, the call's other
   * unknown arguments existentially quantified (decided by evaluation when no rule reads those
   * others, else by Z3). A parameter no rule reads is free; so is one that no seen value satisfies
   * while the call is still completable (some unseen, non-fresh value would do).
   *
   * <p>This is a heuristic for steering, not part of the guarantee. One fresh value stands for all
   * unseen ones only as long as rules relate the parameter to the session by equality and
   * membership; a regex, a prefix, an ordering or arithmetic can allow some unseen values and not
   * the probe (say {@code pm matches /^gift_card_/} alone), and then the model is narrowed to the
   * seen values more than the policy requires. Booleans are answered exactly; lists and JSON values
   * are left free. Whatever the answer, the decoder still asks {@link #completable} once the value
   * is written and {@link #decide} on the whole call, and only {@link #decide} lets a call out.
   */
  @Override
  public synchronized Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
    ValueQuestion question = new ValueQuestion(call, param);
    Optional<List<JsonNode>> known = valueAnswers.get(question);
    if (known == null) {
      try {
        known = askAllowedValues(call, param);
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        known = failClosed(Optional.of(List.of()), e);
      }
      valueAnswers.put(question, known);
    }
    return known;
  }

  @Override
  public synchronized Verdict decide(String tool, ObjectNode arguments) {
    GroundCall key = new GroundCall(tool, arguments.deepCopy());
    Verdict known = verdicts.get(key);
    if (known == null) {
      known = askDecide(tool, arguments);
      verdicts.put(key, known);
    }
    return known;
  }

  // ------------------------------------------------------------------ questions

  private boolean completable(String tool, Map<String, Value> known, Set<String> unknown) {
    ValueCall key = new ValueCall(tool, Map.copyOf(known), Set.copyOf(unknown));
    Boolean answer = completableAnswers.get(key);
    if (answer == null) {
      try {
        answer = askCompletable(tool, known, unknown);
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        answer = failClosed(false, e);
      }
      completableAnswers.put(key, answer);
    }
    return answer;
  }

  private boolean askCompletable(String tool, Map<String, Value> known, Set<String> unknown) {
    Policy.ToolDecl decl = declaration(tool);
    checkParams(decl, known.keySet());
    checkParams(decl, unknown);
    CompletionSearch.Answer answer = search.completable(decl, known, unknown);
    if (answer.outcome() != CompletionSearch.Outcome.UNDECIDED) {
      return answer.outcome() == CompletionSearch.Outcome.COMPLETABLE;
    }
    z3Questions++;
    return oracles.z3(answer.open()).completable(search.situation(tool, known), unknown);
  }

  private Optional<List<JsonNode>> askAllowedValues(PartialCall call, String param) {
    Policy.ToolDecl decl = declaration(call.tool());
    Policy.Param declared = decl.param(param)
        .orElseThrow(() -> new IllegalArgumentException("tool '" + call.tool() + "' has no parameter '" + param + "'"));
    if (!call.unknown().contains(param)) {
      throw new IllegalArgumentException("parameter '" + param + "' is not unknown in the partial call");
    }
    Map<String, Value> known = new LinkedHashMap<>();
    call.known().forEach((k, v) -> known.put(k, Json.fromNode(v)));
    if (!completable(call.tool(), known, call.unknown())) {
      return Optional.of(List.of());
    }
    Type type = declared.type();
    List<CompiledRule> rules = search.rulesFor(call.tool());
    List<CompiledRule> readingParam = rules.stream().filter(r -> oracles.reads(r, param)).toList();
    boolean scalar = type == Type.Primitive.STRING || type == Type.Primitive.NUMBER || type == Type.Primitive.BOOL;
    if (readingParam.isEmpty() || !scalar) {
      return Optional.empty(); // completable, and no value is singled out
    }
    Set<String> others = new LinkedHashSet<>(call.unknown());
    others.remove(param);
    boolean othersRead = rules.stream().anyMatch(r -> oracles.readsAny(r, others));
    List<Value> candidates = search.candidates(call.tool(), type);
    if (type != Type.Primitive.BOOL) {
      Value probe = search.fresh(type);
      if (allows(call.tool(), known, param, probe, others, othersRead, readingParam)) {
        return Optional.empty();
      }
      candidates = candidates.stream().filter(c -> !c.equals(probe)).toList();
    }
    List<Value> allowed;
    if (othersRead) {
      List<CompiledRule> open = rules.stream().filter(r -> oracles.readsAny(r, call.unknown())).toList();
      z3Questions++;
      allowed = oracles.z3(open).allowedValues(search.situation(call.tool(), known), param, others, candidates);
    } else {
      // only this argument's value matters: each candidate is decided by evaluation, exactly
      allowed = new ArrayList<>();
      for (Value c : candidates) {
        if (allows(call.tool(), known, param, c, others, false, readingParam)) {
          allowed.add(c);
        }
      }
    }
    if (allowed.isEmpty() && type != Type.Primitive.BOOL) {
      return Optional.empty(); // completable with none of them: some unseen value is allowed
    }
    return Optional.of(allowed.stream().map(Json::toNode).toList());
  }

  /**
   * Whether {@code param = value} still allows a completion. The rules that read none of the
   * unknowns hold already (the partial call is completable); without other unknowns being read,
   * the rules reading {@code param} decide it alone.
   */
  private boolean allows(String tool, Map<String, Value> known, String param, Value value, Set<String> others,
      boolean othersRead, List<CompiledRule> readingParam) {
    Map<String, Value> args = new LinkedHashMap<>(known);
    args.put(param, value);
    return othersRead ? completable(tool, args, others) : search.holdsAll(readingParam, tool, args);
  }

  private Verdict askDecide(String tool, ObjectNode arguments) {
    Event.ToolCall call;
    try {
      ObjectNode json = EventJson.object();
      json.put("type", "tool_call");
      json.put("tool", tool);
      json.set("args", arguments.deepCopy());
      Event.ToolCall validated = EventValidator.call(policy, json, "call");
      call = new Event.ToolCall(null, validated.tool(), validated.args(), Optional.of(now));
    } catch (RuntimeException e) {
      return Verdict.deny(List.of(), "not a valid call: " + e.getMessage());
    }
    try {
      Decision decision = monitor.decide(new Situation(monitor.history(), call, now));
      if (decision.allowed()) {
        return Verdict.allow();
      }
      String reason = decision.violations().stream().map(Decision.Violation::reason).collect(Collectors.joining("; "));
      return Verdict.deny(decision.rules(), reason);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return failClosed(Verdict.deny(List.of(), "engine error: " + describe(e)), e);
    }
  }

  // ------------------------------------------------------------------ helpers

  private Policy.ToolDecl declaration(String tool) {
    return policy.tool(tool)
        .orElseThrow(() -> new IllegalArgumentException("tool '" + tool + "' is not declared by policy " + policy.name()));
  }

  private static void checkParams(Policy.ToolDecl decl, Set<String> names) {
    for (String name : names) {
      if (decl.param(name).isEmpty()) {
        throw new IllegalArgumentException("tool '" + decl.name() + "' has no parameter '" + name + "'");
      }
    }
  }

  private <T> T failClosed(T answer, Throwable e) {
    engineErrors.add(describe(e));
    return answer;
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
