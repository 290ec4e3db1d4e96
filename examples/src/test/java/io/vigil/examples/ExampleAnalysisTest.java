package io.vigil.examples;

import static io.vigil.examples.ExamplePoliciesTest.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.dsl.format.PolicyFormatter;
import io.vigil.dsl.parser.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil analyze and vigil diff on the example policies (issue 7's acceptance). */
class ExampleAnalysisTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path RETAIL_POLICY = ExamplePoliciesTest.RETAIL.resolve("retail.vigil");

  @Test
  void analysisReportsOnlyFindingsJustifiedInTheReadme() throws Exception {
    ExamplePoliciesTest.Result r = vigil("analyze", "--format", "json", ExamplePoliciesTest.EXAMPLES.toString());
    assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
    Set<String> justified = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^- `([a-z_]+)` `([a-z_]+)`:").matcher(Files.readString(ExamplePoliciesTest.EXAMPLES.resolve("README.md")));
    while (m.find()) {
      justified.add(m.group(1) + " " + m.group(2));
    }
    Set<String> reported = new HashSet<>();
    for (JsonNode finding : JSON.readTree(r.out())) {
      reported.add(finding.get("kind").asText() + " " + finding.get("subject").asText());
    }
    assertTrue(justified.containsAll(reported), "not justified in examples/README.md: " + reported + " vs " + justified);
  }

  @Test
  void diffAgainstACopyWithoutOneRuleGivesAReplayableWitness(@TempDir Path dir) throws Exception {
    String policy = Files.readString(RETAIL_POLICY);
    int start = policy.indexOf("rule authenticate_first:");
    int end = policy.indexOf("\nrule ", start + 1);
    Path without = dir.resolve("without_authentication.vigil");
    Files.writeString(without, policy.substring(0, start) + policy.substring(end + 1));
    ExamplePoliciesTest.Result r = vigil("diff", "--format", "json", RETAIL_POLICY.toString(), without.toString());
    assertEquals(1, r.exit(), r.err() + r.out());
    StringBuilder jsonl = new StringBuilder();
    JSON.readTree(r.out()).get("difference").get("witness").forEach(line -> jsonl.append(line).append('\n'));
    Path witness = dir.resolve("witness.jsonl");
    Files.writeString(witness, jsonl.toString());
    assertEquals("deny", lastDecision(RETAIL_POLICY, witness));
    assertEquals("allow", lastDecision(without, witness));
  }

  @Test
  void diffAgainstAReformattedCopyIsEquivalent(@TempDir Path dir) throws Exception {
    // vigil fmt keeps no comments, so it refuses to rewrite the commented example in place;
    // the copy here is what it would write
    Path formatted = dir.resolve("retail_formatted.vigil");
    Files.writeString(formatted, PolicyFormatter.format(PolicyParser.parse(Files.readString(RETAIL_POLICY), "retail.vigil")));
    ExamplePoliciesTest.Result r = vigil("diff", RETAIL_POLICY.toString(), formatted.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    assertTrue(r.out().contains("equivalent up to depth 4"), r.out());
  }

  private static String lastDecision(Path policy, Path witness) throws Exception {
    ExamplePoliciesTest.Result r = vigil("replay", "--format", "json", "--policy", policy.toString(), "--trace", witness.toString());
    JsonNode decisions = JSON.readTree(r.out());
    return decisions.get(decisions.size() - 1).get("decision").asText();
  }
}
