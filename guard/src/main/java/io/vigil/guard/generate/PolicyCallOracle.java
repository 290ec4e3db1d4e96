package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.EventJson;
import io.vigil.guard.session.EventValidator;
import io.vigil.guard.session.Session;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.Verdict;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import io.vigil.solver.z3.CandidateValues;
import io.vigil.solver.z3.Z3Decider;
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
 *   <li>{@link #completable}: Z3's existential question, the unknown parameters as constants.
 *   <li>{@link #allowedValues}: a steering heuristic built from two Z3 questions (see there).
 *   <li>{@link #decide}: the sidecar's own path for a check, the call validated against the
 *       tool's declaration and decided by the incremental {@link Monitor} (no Z3): the guarantee.
 * </ul>
 */
public final class PolicyCallOracle implements CallOracle {
  /** Values of the session offered as candidates; the same bound the sidecar's AllowedNow uses. */
  private static final int POOL_LIMIT = 200;

  private final Policy policy;
  private final Z3Decider questions;
  private final Monitor monitor;
  private final BigDecimal now;
  private final List<Value> seen;
  private final Map<String, List<Value>> literalsByTool = new HashMap<>();
  private final FreshValues fresh;

  private final Map<PartialCall, Boolean> completableAnswers = new HashMap<>();
  private final Map<ValueQuestion, Optional<List<JsonNode>>> valueAnswers = new HashMap<>();
  private final Map<GroundCall, Verdict> verdicts = new HashMap<>();
  private final List<String> engineErrors = new ArrayList<>();

  private record ValueQuestion(PartialCall call, String param) {}

  private record GroundCall(String tool, JsonNode arguments) {}

  /**
   * @param decider the policy version's decider (its monitor plan decides ground calls)
   * @param questions a Z3 context for the partial-call questions (serialized per context: give
   *     generation its own, as the sidecar does with {@link ActivePolicy#constraints()})
   * @param history the session's committed events (copied)
   * @param now seconds since the epoch: the time of the call being generated
   */
  public PolicyCallOracle(PolicyDecider decider, Z3Decider questions, History history, BigDecimal now) {
    this.policy = decider.policy().source();
    this.questions = questions;
    this.monitor = Monitor.of(decider.monitorPlan(), history);
    this.now = now;
    this.seen = CandidateValues.seenIn(monitor.history(), POOL_LIMIT);
    List<Value> everything = new ArrayList<>(seen);
    everything.addAll(PolicyLiterals.of(decider.policy().rules()));
    this.fresh = new FreshValues(everything);
  }

  /** An oracle over the committed history of a running sidecar session, caught up with its store. */
  public static PolicyCallOracle forSession(ActivePolicy policy, Session session, BigDecimal now, Deadline deadline) {
    return new PolicyCallOracle(policy.decider(), policy.constraints(), session.snapshot(policy, deadline), now);
  }

  public BigDecimal now() {
    return now;
  }

  /** What went wrong inside the engine while answering (each error made an answer fail closed). */
  public synchronized List<String> engineErrors() {
    return List.copyOf(engineErrors);
  }

  @Override
  public synchronized boolean completable(PartialCall call) {
    Boolean known = completableAnswers.get(call);
    if (known == null) {
      known = askCompletable(call.tool(), call.known(), call.unknown());
      completableAnswers.put(call, known);
    }
    return known;
  }

  /**
   * Whether {@code param} is confined to finitely many values here, and which. Z3 is asked whether
   * a fresh value (one the session and the rules never mention) would let the call be completed.
   * If so, the model chooses freely ({@code Optional.empty()}); if not, the answer is the values
   * among those the session has seen and the rules' literals that Z3 allows, the call's other
   * unknown parameters existentially quantified. A parameter that some unseen, non-fresh value
   * would satisfy (none seen is allowed, yet the call is completable) is left free as well.
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
      known = askAllowedValues(call, param);
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

  private boolean askCompletable(String tool, Map<String, JsonNode> known, Set<String> unknown) {
    try {
      Map<String, Value> args = new LinkedHashMap<>();
      known.forEach((k, v) -> args.put(k, Json.fromNode(v)));
      return askCompletableValues(tool, args, unknown);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return failClosed(false, e);
    }
  }

  private boolean askCompletableValues(String tool, Map<String, Value> args, Set<String> unknown) {
    Policy.ToolDecl decl = declaration(tool);
    for (String name : args.keySet()) {
      if (decl.param(name).isEmpty()) {
        return false;
      }
    }
    if (monitor.plan().rulesFor(tool).isEmpty()) {
      return true; // no rule can deny a call of this tool
    }
    return questions.completable(situation(tool, args), unknown);
  }

  private Optional<List<JsonNode>> askAllowedValues(PartialCall call, String param) {
    try {
      Policy.ToolDecl decl = declaration(call.tool());
      Policy.Param declared = decl.param(param)
          .orElseThrow(() -> new IllegalArgumentException("tool '" + call.tool() + "' has no parameter '" + param + "'"));
      if (!call.unknown().contains(param)) {
        throw new IllegalArgumentException("parameter '" + param + "' is not unknown in the partial call");
      }
      Map<String, Value> known = new LinkedHashMap<>();
      call.known().forEach((k, v) -> known.put(k, Json.fromNode(v)));
      Set<String> others = new LinkedHashSet<>(call.unknown());
      others.remove(param);
      Type type = declared.type();
      if (type == Type.Primitive.BOOL) {
        return Optional.of(allowedAmong(call.tool(), known, param, others, List.of(Value.TRUE, Value.FALSE)));
      }
      if (type != Type.Primitive.STRING && type != Type.Primitive.NUMBER) {
        return free(call);
      }
      Value probe = type == Type.Primitive.STRING ? fresh.string() : fresh.number();
      Map<String, Value> withProbe = new LinkedHashMap<>(known);
      withProbe.put(param, probe);
      if (askCompletableValues(call.tool(), withProbe, others)) {
        return Optional.empty();
      }
      List<Value> candidates = new ArrayList<>(new LinkedHashSet<>(concat(seen, literals(call.tool()))));
      candidates.removeIf(v -> type == Type.Primitive.STRING ? !(v instanceof Value.Str) : !(v instanceof Value.Num));
      List<JsonNode> allowed = allowedAmong(call.tool(), known, param, others, candidates);
      return allowed.isEmpty() ? free(call) : Optional.of(allowed);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return failClosed(Optional.of(List.of()), e);
    }
  }

  /** Free when some value is allowed at all, else confined to nothing. */
  private Optional<List<JsonNode>> free(PartialCall call) {
    return completable(call) ? Optional.empty() : Optional.of(List.of());
  }

  private List<JsonNode> allowedAmong(String tool, Map<String, Value> known, String param, Set<String> others,
      List<Value> candidates) {
    List<Value> allowed = monitor.plan().rulesFor(tool).isEmpty()
        ? candidates
        : questions.allowedValues(situation(tool, known), param, others, candidates);
    return allowed.stream().map(Json::toNode).toList();
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

  private Situation situation(String tool, Map<String, Value> args) {
    return new Situation(monitor.history(), new Event.ToolCall(null, tool, args, Optional.of(now)), now);
  }

  private List<Value> literals(String tool) {
    return literalsByTool.computeIfAbsent(tool, t -> PolicyLiterals.of(monitor.plan().rulesFor(t)));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private <T> T failClosed(T answer, Throwable e) {
    engineErrors.add(describe(e));
    return answer;
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
