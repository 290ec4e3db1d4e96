package io.vigil.solver.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.trace.TraceReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyAnalyzerTest {
  static final String TOOLS = String.join("\n",
      "policy planted",
      "tool find_user_id_by_email(email: string) -> string",
      "tool get_order_details(order_id: string) -> json",
      "tool cancel_pending_order(order_id: string, reason: string) -> json",
      "");

  static CompiledPolicy compile(String rules) {
    return RuleCompiler.compile(PolicyParser.parse(TOOLS + rules, "planted.vigil"), "v");
  }

  /** Replays a witness the way `vigil replay` does and returns the decision on its last call. */
  static Decision replayLast(CompiledPolicy policy, Witness witness) {
    try (PolicyDecider decider = new PolicyDecider(policy.source(), "v")) {
      List<Replayer.Step> steps = Replayer.replay(decider, TraceReader.parse(witness.jsonl(), "witness.jsonl"), PolicyDecider.Engine.FAST);
      assertTrue(steps.subList(0, steps.size() - 1).stream().allMatch(s -> s.decision().allowed()), "every history call replays as allowed");
      return steps.get(steps.size() - 1).decision();
    }
  }

  @Test
  void healthyRulesHaveNoFindings() {
    CompiledPolicy policy = compile(String.join("\n",
        "rule authenticate_first: before get_order_details(_) require once ok find_user_id_by_email(_)",
        "rule check_status_first: before cancel_pending_order(o, _)",
        "  require once ok get_order_details(o) returns r where r.status == \"pending\""));
    assertEquals(List.of(), new PolicyAnalyzer(policy, 4, 20_000).analyze());
  }

  @Test
  void existingTracesAnswerWhatTheDepthCannotReach() {
    CompiledPolicy policy = compile(String.join("\n",
        "rule authenticate_first: before get_order_details(_) require once ok find_user_id_by_email(_)",
        "rule check_status_first: before cancel_pending_order(o, _)",
        "  require once ok get_order_details(o) returns r where r.status == \"pending\""));
    // a cancellation needs four events before it; at depth 1 Z3 alone finds no allowed one
    List<Finding> bounded = new PolicyAnalyzer(policy, 1, 20_000).analyze();
    assertTrue(bounded.stream().anyMatch(f -> f.kind() == Finding.Kind.UNREACHABLE_TOOL && f.subject().equals("cancel_pending_order")), bounded.toString());
    String trace = String.join("\n",
        "{\"type\":\"tool_call\",\"id\":\"1\",\"tool\":\"find_user_id_by_email\",\"args\":{\"email\":\"a@b.c\"}}",
        "{\"type\":\"tool_result\",\"id\":\"1\",\"tool\":\"find_user_id_by_email\",\"output\":\"u1\"}",
        "{\"type\":\"tool_call\",\"id\":\"2\",\"tool\":\"get_order_details\",\"args\":{\"order_id\":\"#W1\"}}",
        "{\"type\":\"tool_result\",\"id\":\"2\",\"tool\":\"get_order_details\",\"output\":{\"status\":\"pending\"}}",
        "{\"type\":\"tool_call\",\"id\":\"3\",\"tool\":\"cancel_pending_order\",\"args\":{\"order_id\":\"#W1\",\"reason\":\"no longer needed\"}}");
    List<Finding> seeded = new PolicyAnalyzer(policy, 1, 20_000).analyze(List.of(TraceReader.parse(trace, "seed.jsonl")));
    assertEquals(List.of(), seeded);
  }

  @Test
  void findsAVacuousRule() {
    // the condition says the reason is "no longer needed", so the requirement can never fail
    CompiledPolicy policy = compile(String.join("\n",
        "rule reason_listed: before cancel_pending_order(_, reason) when reason == \"no longer needed\"",
        "  require reason != \"ordered by mistake\""));
    List<Finding> findings = new PolicyAnalyzer(policy, 2, 20_000).analyze();
    assertEquals(List.of(Finding.Kind.VACUOUS_RULE), kinds(findings), findings.toString());
    Witness fires = findings.get(0).witness().orElseThrow();
    assertTrue(replayLast(policy, fires).allowed());
  }

  @Test
  void findsTwoRulesThatTogetherBlockATool() {
    CompiledPolicy policy = compile(String.join("\n",
        "rule only_no_longer_needed: before cancel_pending_order(_, reason) require reason == \"no longer needed\"",
        "rule only_by_mistake: before cancel_pending_order(_, reason) require reason == \"ordered by mistake\""));
    List<Finding> findings = new PolicyAnalyzer(policy, 2, 20_000).analyze();
    Finding unreachable = findings.stream().filter(f -> f.kind() == Finding.Kind.UNREACHABLE_TOOL).findFirst().orElseThrow();
    assertEquals("cancel_pending_order", unreachable.subject());
    assertEquals(Set.of("only_no_longer_needed", "only_by_mistake"), Set.copyOf(unreachable.rules()));
  }

  @Test
  void findsARuleImpliedByAnother() {
    CompiledPolicy policy = compile(String.join("\n",
        "rule read_first: before cancel_pending_order(o, _) require once ok get_order_details(o)",
        "rule pending_only: before cancel_pending_order(o, _)",
        "  require once ok get_order_details(o) returns r where r.status == \"pending\""));
    List<Finding> findings = new PolicyAnalyzer(policy, 3, 20_000).analyze();
    assertEquals(List.of(Finding.Kind.REDUNDANT_RULE), kinds(findings), findings.toString());
    Finding redundant = findings.get(0);
    assertEquals("read_first", redundant.subject());
    Decision replayed = replayLast(policy, redundant.witness().orElseThrow());
    assertEquals(Set.of("read_first", "pending_only"), Set.copyOf(replayed.rules()));
  }

  @Test
  void diffFindsAShortestReplayableDifference() {
    CompiledPolicy old = compile(String.join("\n",
        "rule authenticate_first: before get_order_details(_) require once ok find_user_id_by_email(_)",
        "rule pending_only: before cancel_pending_order(o, _)",
        "  require once ok get_order_details(o) returns r where r.status == \"pending\""));
    CompiledPolicy updated = compile(
        "rule authenticate_first: before get_order_details(_) require once ok find_user_id_by_email(_)");
    Finding difference = PolicyDiff.diff(old, updated, 3, 20_000).orElseThrow();
    assertEquals(Finding.Kind.DIFFERENT, difference.kind());
    Witness w = difference.witness().orElseThrow();
    assertEquals(1, w.lines().size(), "a cancel with no history is the shortest difference");
    assertFalse(replayLast(old, w).allowed());
    assertTrue(replayLast(updated, w).allowed());
    assertEquals(Optional.empty(), PolicyDiff.diff(old, old, 3, 20_000));
  }

  static List<Finding.Kind> kinds(List<Finding> findings) {
    return findings.stream().map(Finding::kind).collect(Collectors.toList());
  }
}
