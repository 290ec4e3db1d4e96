package io.vigil.guard.cli;

import static io.vigil.guard.cli.VigilCommandTest.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil analyze and vigil diff on planted bugs; every witness is replayed with vigil replay. */
class AnalyzeAndDiffCommandTest {
  static final String PLANTED = VigilCommandTest.RES + "analysis/planted.vigil";

  @Test
  void analyzeFindsEachPlantedBugWithAReplayableWitness(@TempDir Path witnesses) throws Exception {
    VigilCommandTest.Result r = vigil("analyze", "--depth", "4", "--format", "json", "--witness-dir", witnesses.toString(), PLANTED);
    assertEquals(1, r.exit(), r.err() + r.out());
    Map<String, JsonNode> byKindAndSubject = new HashMap<>();
    for (JsonNode f : r.json()) {
      byKindAndSubject.put(f.get("kind").asText() + ":" + f.get("subject").asText(), f);
    }
    assertEquals(Set.of("vacuous_rule:reason_listed", "unreachable_tool:cancel_pending_order", "redundant_rule:read_before_return"),
        byKindAndSubject.keySet(), r.out());
    Set<String> blockers = new HashSet<>(VigilCommandTest.texts(byKindAndSubject.get("unreachable_tool:cancel_pending_order").get("rules")));
    assertEquals(Set.of("only_no_longer_needed", "only_ordered_by_mistake"), blockers);

    // the redundant rule's witness: replay denies the last call by both rules, and nothing before it
    JsonNode redundant = lastDecision(witnesses.resolve("planted.redundant_rule.read_before_return.jsonl"));
    assertEquals("deny", redundant.get("decision").asText());
    assertEquals(Set.of("read_before_return", "delivered_only"), new HashSet<>(VigilCommandTest.texts(redundant.get("rules"))));
    // the vacuous rule's witness: a cancellation with the reason it is triggered by; it does not deny
    JsonNode vacuous = lastDecision(witnesses.resolve("planted.vacuous_rule.reason_listed.jsonl"));
    assertEquals("cancel_pending_order", vacuous.get("tool").asText());
    assertTrue(!VigilCommandTest.texts(vacuous.get("rules")).contains("reason_listed"), vacuous.toString());
  }

  @Test
  void aMisspeltArgumentNameIsReportedAndTheRuleItEmptiesIsVacuous() throws Exception {
    String misspelt = VigilCommandTest.RES + "analysis/misspelt.vigil";
    assertEquals(2, vigil("check", misspelt).exit(), "check rejects the misspelling");
    VigilCommandTest.Result r = vigil("analyze", "--format", "json", misspelt);
    assertEquals(1, r.exit(), r.err() + r.out());
    Map<String, JsonNode> byKind = new HashMap<>();
    for (JsonNode f : r.json()) {
      byKind.put(f.get("kind").asText(), f);
    }
    assertEquals(Set.of("policy_error", "vacuous_rule"), byKind.keySet(), r.out());
    assertTrue(byKind.get("policy_error").get("message").asText().contains("no parameter 'reasn'"), r.out());
    JsonNode vacuous = byKind.get("vacuous_rule");
    assertEquals("read_before_cancel_by_mistake", vacuous.get("subject").asText());
    assertTrue(vacuous.get("message").asText().contains("trigger never matches"), r.out());
    assertTrue(vacuous.get("message").asText().contains("misspelt.vigil:13:31"), "names the misspelling: " + r.out());
    // the witness: a cancellation without reading the order first goes through
    JsonNode witness = vacuous.get("witness");
    JsonNode last = witness.get(witness.size() - 1);
    assertEquals("cancel_pending_order", last.get("tool").asText());
    for (JsonNode line : witness) {
      assertTrue(!"get_order_details".equals(line.path("tool").asText()), r.out());
    }
  }

  @Test
  void diffPrintsAReplayableShortestDifferenceAndExits1(@TempDir Path dir) throws Exception {
    String original = Files.readString(Path.of(PLANTED));
    Path without = dir.resolve("without.vigil");
    Files.writeString(without, original.replace("rule authenticate_first:\n  before get_order_details(_)\n  require once ok find_user_id_by_email(_)\n", ""));
    VigilCommandTest.Result r = vigil("diff", "--format", "json", PLANTED, without.toString());
    assertEquals(1, r.exit(), r.err() + r.out());
    JsonNode difference = r.json().get("difference");
    Path witness = dir.resolve("difference.jsonl");
    StringBuilder jsonl = new StringBuilder();
    difference.get("witness").forEach(line -> jsonl.append(line).append('\n'));
    Files.writeString(witness, jsonl.toString());
    assertEquals(1, difference.get("witness").size(), "reading an order with no history is the shortest difference");
    assertEquals("deny", lastDecision(Path.of(PLANTED), witness).get("decision").asText());
    assertEquals("allow", lastDecision(without, witness).get("decision").asText());
  }

  @Test
  void diffOfAPolicyAndItsFormattedCopyIsEquivalent(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("copy.vigil");
    Files.writeString(copy, Files.readString(Path.of(VigilCommandTest.POLICY)));
    assertEquals(0, vigil("fmt", "--write", copy.toString()).exit());
    VigilCommandTest.Result r = vigil("diff", "--depth", "3", VigilCommandTest.POLICY, copy.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    assertTrue(r.out().contains("equivalent up to depth 3"), r.out());
  }

  private static JsonNode lastDecision(Path witness) throws Exception {
    return lastDecision(Path.of(PLANTED), witness);
  }

  private static JsonNode lastDecision(Path policy, Path witness) throws Exception {
    VigilCommandTest.Result r = vigil("replay", "--format", "json", "--policy", policy.toString(), "--trace", witness.toString());
    JsonNode decisions = r.json();
    for (int i = 0; i < decisions.size() - 1; i++) {
      assertEquals("allow", decisions.get(i).get("decision").asText(), "history calls replay as allowed: " + r.out());
    }
    return decisions.get(decisions.size() - 1);
  }

  static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
