package io.vigil.guard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every verb run in-process, as {@code ./vigil} runs it. Surefire runs with guard/ as cwd. */
class VigilCommandTest {
  static final String RES = "src/test/resources/";
  static final String SUITE = RES + "suite/";
  static final String POLICY = SUITE + "shop.vigil";
  static final ObjectMapper JSON = new ObjectMapper();

  record Result(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  static Result vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new VigilCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  @Test
  void checkAcceptsAValidPolicy() {
    Result r = vigil("check", SUITE);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("1 policy checked: 0 errors"), r.out());
  }

  @Test
  void checkOfAnUnknownToolPrintsFileLineColumnAndExits2() {
    Result r = vigil("check", RES + "broken/unknown_tool.vigil");
    assertEquals(2, r.exit());
    assertTrue(r.out().contains("unknown_tool.vigil:6:10: error: unknown tool or group 'read_order'"), r.out());
  }

  @Test
  void checkJsonListsDiagnostics() throws Exception {
    Result r = vigil("check", "--format", "json", RES + "broken");
    assertEquals(2, r.exit());
    JsonNode d = r.json().get(0);
    assertEquals(6, d.get("line").asInt());
    assertEquals(10, d.get("column").asInt());
    assertEquals("error", d.get("severity").asText());
    assertTrue(d.get("file").asText().endsWith("unknown_tool.vigil"));
    assertTrue(d.get("message").asText().contains("read_order"));
  }

  @Test
  void checkOfAMissingFileIsAUsageError() {
    Result r = vigil("check", RES + "nope.vigil");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nope.vigil: no such file"), r.err());
  }

  @Test
  void replayJsonHasOneDecisionPerCall() throws Exception {
    Result r = vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests/pay_with_paypal.jsonl", "--format", "json");
    assertEquals(1, r.exit(), r.err());
    JsonNode decisions = r.json();
    assertEquals(3, decisions.size());
    JsonNode login = decisions.get(0);
    assertEquals(0, login.get("index").asInt());
    assertEquals("c1", login.get("id").asText());
    assertEquals("login", login.get("tool").asText());
    assertEquals("allow", login.get("decision").asText());
    JsonNode pay = decisions.get(2);
    assertEquals(4, pay.get("index").asInt());
    assertEquals("deny", pay.get("decision").asText());
    assertEquals(List.of("pay_with_order_method"), texts(pay.get("rules")));
    assertEquals(List.of("method paypal is not a payment method of order o1"), texts(pay.get("reasons")));
    // the read_order result (line index 3) and the call itself (4)
    assertEquals(List.of("3", "4"), texts(pay.get("witnesses")));
    assertEquals(List.of("card", "gift_card"), texts(pay.get("alternatives").get("method")));
    assertFalse(pay.has("error"));
  }

  @Test
  void replayWitnessesSkipDeniedCallsAndTheirResults() throws Exception {
    Result r = vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests/read_before_auth.jsonl", "--format", "json");
    assertEquals(1, r.exit());
    JsonNode read = r.json().get(0);
    assertEquals("deny", read.get("decision").asText());
    assertEquals(List.of("1"), texts(read.get("witnesses")));
    assertEquals("allow", r.json().get(1).get("decision").asText());
  }

  @Test
  void replayOfAnAllowedTraceExits0WithZ3Too() {
    for (String engine : List.of("incremental", "fast", "z3")) {
      Result r = vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests/allowed_flow.jsonl", "--engine", engine);
      assertEquals(0, r.exit(), engine + ": " + r.out() + r.err());
      assertTrue(r.out().contains("3 calls, 3 allowed, 0 denied"), r.out());
    }
  }

  @Test
  void replayWithOutWritesOneJsonPerTrace(@TempDir Path dir) throws Exception {
    Result r = vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests", "--out", dir.toString());
    assertEquals(1, r.exit(), r.err());
    for (String name : List.of("allowed_flow", "read_before_auth", "pay_with_paypal")) {
      Path written = dir.resolve(name + ".json");
      assertTrue(Files.isRegularFile(written), name);
      assertTrue(JSON.readTree(written.toFile()).isArray(), name);
    }
    JsonNode paypal = JSON.readTree(dir.resolve("pay_with_paypal.json").toFile());
    assertEquals("deny", paypal.get(2).get("decision").asText());
  }

  @Test
  void replayOfSeveralTracesPrintsAHeaderEach() {
    Result r = vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("== " + SUITE + "tests/allowed_flow.jsonl"), r.out());
    assertTrue(r.out().contains("== " + SUITE + "tests/pay_with_paypal.jsonl"), r.out());
  }

  @Test
  void aMalformedTraceLineExits2NamingTheLineAndField() {
    Result r = vigil("replay", "--policy", POLICY, "--trace", RES + "traces/malformed.jsonl");
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().contains("malformed.jsonl:2: field 'tool': missing"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void replayUnderAPolicyWithErrorsExits2() {
    Result r = vigil("replay", "--policy", RES + "broken/unknown_tool.vigil", "--trace", SUITE + "tests");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown_tool.vigil:6:10: error:"), r.err());
  }

  @Test
  void usageErrorsExit2() {
    assertEquals(2, vigil().exit());
    assertEquals(2, vigil("replay", "--policy", POLICY).exit());
    assertEquals(2, vigil("replay", "--policy", POLICY, "--trace", SUITE + "tests", "--engine", "slow").exit());
    assertEquals(2, vigil("frobnicate").exit());
  }

  @Test
  void everyVerbHasHelp() {
    for (String verb : List.of("check", "replay", "test", "compile", "fmt", "version")) {
      Result r = vigil(verb, "--help");
      assertEquals(0, r.exit(), verb);
      assertTrue(r.out().startsWith("Usage: vigil " + verb), r.out());
    }
  }

  @Test
  void compilePrintsSmt2ForTheLastCall() {
    Result r = vigil("compile", "--smt2", "--policy", POLICY, "--trace", SUITE + "tests/pay_with_paypal.jsonl");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("(check-sat)"), r.out());
    assertTrue(r.out().contains("pay_with_order_method"), r.out());
    assertTrue(r.out().contains("paypal"), r.out());
  }

  @Test
  void testVerbPassesAndReportsCoverage() {
    Result r = vigil("test", SUITE, "--require-coverage");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*auth_first\\s+1\\s+2\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*pay_with_order_method\\s+1\\s+1\\n.*"), r.out());
    assertTrue(r.out().endsWith("3 passed, 0 failed" + System.lineSeparator()), r.out());
  }

  @Test
  void testVerbReportsFailuresAndMissingCoverage() {
    Result r = vigil("test", RES + "failing");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("FAIL " + RES + "failing/tests/wrong_expectation.jsonl:3: expected deny by [auth_first] but allowed"), r.out());
    assertTrue(r.out().strip().endsWith("1 passed, 1 failed"), r.out());
    assertFalse(r.out().contains("UNCOVERED"), r.out());

    Result covered = vigil("test", RES + "failing", "--require-coverage");
    assertEquals(1, covered.exit());
    assertTrue(covered.out().contains("UNCOVERED " + RES + "failing/shop.vigil: pay_with_order_method"), covered.out());
  }

  @Test
  void testVerbJson() throws Exception {
    Result r = vigil("test", SUITE, "--format", "json");
    assertEquals(0, r.exit());
    assertEquals(3, r.json().get("passed").asInt());
    assertEquals(0, r.json().get("failed").asInt());
    assertEquals(2, r.json().get("policies").get(0).get("coverage").size());
  }

  @Test
  void fmtChecksAndWrites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shop.vigil");
    Files.writeString(file, Files.readString(Path.of(POLICY)).replace("\n\n", "\n").replace("  require", "    require"));
    assertEquals(1, vigil("fmt", "--check", file.toString()).exit());
    Result write = vigil("fmt", "--write", file.toString());
    assertEquals(0, write.exit(), write.err());
    assertEquals(Files.readString(Path.of(POLICY)), Files.readString(file));
    assertEquals(0, vigil("fmt", "--check", file.toString()).exit());
    assertEquals(2, vigil("fmt", "--check", "--write", file.toString()).exit());
  }

  @Test
  void fmtWriteRefusesToDropComments(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.vigil");
    String source = "policy c\n# a comment\ntool t(x: string) -> json\n";
    Files.writeString(file, source);
    Result r = vigil("fmt", "--write", file.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("c.vigil: not rewritten"), r.err());
    assertEquals(source, Files.readString(file));
  }

  @Test
  void aHashInsideAStringIsNotAComment() {
    assertFalse(FmtCommand.hasComments("policy p\nlet x = \"#W1\"\n"));
    assertTrue(FmtCommand.hasComments("policy p\nlet x = \"#W1\" # note\n"));
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Result r = vigil("version");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("vigil 0."), r.out());
  }
}
