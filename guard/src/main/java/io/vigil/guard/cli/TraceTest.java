package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One policy test: a trace whose tool_call lines may carry {@code "expect": "deny"|"allow"} (allow
 * by default; {@code expect_rules} alone means deny) and {@code "expect_rules": [..]} (rules that
 * must all be among the failed ones). Also records which rules the trace exercises, both ways.
 */
final class TraceTest {
  /** A call whose decision did not match its expectation; {@code index} is the 0-based line. */
  record Failure(int index, String message) {}

  private final String source;
  private final List<Failure> failures = new ArrayList<>();
  private final Set<String> deniedBy = new LinkedHashSet<>();
  private final Set<String> allowedTriggered = new LinkedHashSet<>();

  private TraceTest(String source) {
    this.source = source;
  }

  static TraceTest run(PolicyDecider decider, Trace trace, PolicyDecider.Engine engine, Set<String> ruleNames) {
    TraceTest test = new TraceTest(trace.source());
    Map<Integer, Event> byIndex = trace.lines().stream().collect(Collectors.toMap(Trace.Line::index, Trace.Line::event));
    History history = new History();
    for (Replayer.Step step : Replayer.replay(decider, trace, engine)) {
      Decision decision = step.decision();
      test.deniedBy.addAll(decision.rules());
      if (decision.allowed()) {
        // The history before this call: it only ever grows along a replay.
        for (int k = history.size(); k < step.historyLines().size(); k++) {
          history.append(byIndex.get(step.historyLines().get(k)));
        }
        test.allowedTriggered.addAll(decider.triggeredRules(history, step.call()));
      }
      test.check(step, ruleNames);
    }
    return test;
  }

  boolean passed() {
    return failures.isEmpty();
  }

  List<Failure> failures() {
    return failures;
  }

  Set<String> deniedBy() {
    return deniedBy;
  }

  Set<String> allowedTriggered() {
    return allowedTriggered;
  }

  private void check(Replayer.Step step, Set<String> ruleNames) {
    JsonNode raw = step.line().raw();
    int line = step.line().index() + 1;
    List<String> expectedRules = expectedRules(raw, line);
    boolean expectDeny = expectDeny(raw, line, !expectedRules.isEmpty());
    if (!expectDeny && !expectedRules.isEmpty()) {
      throw new CliException(source + ":" + line + ": field 'expect_rules': given with \"expect\": \"allow\"");
    }
    for (String rule : expectedRules) {
      if (!ruleNames.contains(rule)) {
        fail(step, "expect_rules names " + rule + ", which is not a rule of the policy");
      }
    }
    Decision d = step.decision();
    String expected = expectDeny ? "deny" + (expectedRules.isEmpty() ? "" : " by " + expectedRules) : "allow";
    if (d.engineError().isPresent()) {
      fail(step, "expected " + expected + " but engine error: " + d.engineError().get());
    } else if (expectDeny && d.allowed()) {
      fail(step, "expected " + expected + " but allowed");
    } else if (expectDeny && !d.rules().containsAll(expectedRules)) {
      fail(step, "expected " + expected + " but denied by " + d.rules());
    } else if (!expectDeny && !d.allowed()) {
      fail(step, "expected allow but denied by " + d.rules() + ": "
          + d.violations().stream().map(Decision.Violation::reason).collect(Collectors.joining("; ")));
    }
  }

  private void fail(Replayer.Step step, String message) {
    failures.add(new Failure(step.line().index(), message));
  }

  /** {@code file:line: message}, the line 1-based. */
  String describe(Failure failure) {
    return source + ":" + (failure.index() + 1) + ": " + failure.message();
  }

  private boolean expectDeny(JsonNode raw, int line, boolean byDefault) {
    JsonNode expect = raw.get("expect");
    if (expect == null || expect.isNull()) {
      return byDefault;
    }
    if (expect.isTextual() && expect.textValue().equals("deny")) {
      return true;
    }
    if (expect.isTextual() && expect.textValue().equals("allow")) {
      return false;
    }
    throw new CliException(source + ":" + line + ": field 'expect': must be \"allow\" or \"deny\"");
  }

  private List<String> expectedRules(JsonNode raw, int line) {
    JsonNode rules = raw.get("expect_rules");
    if (rules == null || rules.isNull()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (rules.isArray()) {
      for (JsonNode rule : rules) {
        if (!rule.isTextual()) {
          names = null;
          break;
        }
        names.add(rule.textValue());
      }
      if (names != null) {
        return names;
      }
    }
    throw new CliException(source + ":" + line + ": field 'expect_rules': must be a list of rule names");
  }
}
