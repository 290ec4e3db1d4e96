package io.vigil.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.guard.cli.VigilCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The example policies check, their policy tests pass with full coverage, and the classic attacks are denied. */
class ExamplePoliciesTest {
  /** Surefire runs with the module directory as cwd; an IDE may run from the repository root. */
  static final Path EXAMPLES = Files.isDirectory(Path.of("examples", "retail")) ? Path.of("examples") : Path.of(".");
  static final Path RETAIL = EXAMPLES.resolve("retail");
  static final Path AIRLINE = EXAMPLES.resolve("airline");

  record Result(int exit, String out, String err) {}

  static Result vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new VigilCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void everyExamplePolicyChecks() {
    Result r = vigil("check", EXAMPLES.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  @Test
  void retailPolicyTestsPassWithFullCoverage() {
    assertPolicyTestsPass(RETAIL);
  }

  @Test
  void airlinePolicyTestsPassWithFullCoverage() {
    assertPolicyTestsPass(AIRLINE);
  }

  private static void assertPolicyTestsPass(Path dir) {
    Result r = vigil("test", dir.toString(), "--require-coverage");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().strip().matches("(?s).*\\n[1-9][0-9]* passed, 0 failed"), r.out());
  }

  @Test
  void readingTheAccountBeforeAuthenticationIsDenied() throws IOException {
    List<Path> traces = retailTests("before_auth").stream()
        .filter(p -> p.getFileName().toString().startsWith("deny"))
        .toList();
    assertFalse(traces.isEmpty(), "no retail deny test trace named *before_auth*");
    for (Path trace : traces) {
      JsonNode denied = firstDeny(trace);
      assertTrue(rules(denied).contains("authenticate_first"), trace + ": " + denied);
    }
  }

  @Test
  void aRefundToPaypalInsteadOfTheOriginalMethodIsDeniedWithAlternatives() throws IOException {
    List<Path> traces = retailTests("paypal").stream()
        .filter(p -> p.getFileName().toString().startsWith("deny"))
        .toList();
    assertFalse(traces.isEmpty(), "no retail deny test trace named *paypal*");
    for (Path trace : traces) {
      JsonNode denied = firstDeny(trace);
      assertTrue(rules(denied).contains("refund_to_original_or_gift_card"), trace + ": " + denied);
      JsonNode allowed = denied.get("alternatives").get("payment_method_id");
      assertTrue(allowed != null && allowed.size() > 0, trace + ": no allowed payment methods in " + denied);
      String paypal = findArg(trace, denied.get("index").asInt());
      allowed.forEach(pm -> assertFalse(pm.asText().equals(paypal), "the denied method is listed as allowed: " + denied));
    }
  }

  private static List<Path> retailTests(String nameContains) throws IOException {
    try (Stream<Path> files = Files.list(RETAIL.resolve("tests"))) {
      return files.filter(p -> p.getFileName().toString().contains(nameContains) && p.toString().endsWith(".jsonl"))
          .sorted()
          .toList();
    }
  }

  private static JsonNode firstDeny(Path trace) throws IOException {
    Result r = vigil("replay", "--policy", RETAIL.resolve("retail.vigil").toString(), "--trace", trace.toString(),
        "--format", "json");
    assertEquals(1, r.exit(), trace + ": " + r.out() + r.err());
    for (JsonNode decision : new ObjectMapper().readTree(r.out())) {
      if (decision.get("decision").asText().equals("deny")) {
        return decision;
      }
    }
    throw new AssertionError(trace + ": no call denied");
  }

  private static List<String> rules(JsonNode decision) {
    return Stream.of(decision.get("rules")).flatMap(a -> {
      List<String> names = new java.util.ArrayList<>();
      a.forEach(n -> names.add(n.asText()));
      return names.stream();
    }).toList();
  }

  /** The payment_method_id of the call on 0-based line {@code index} of the trace. */
  private static String findArg(Path trace, int index) throws IOException {
    String line = Files.readAllLines(trace).get(index);
    return new ObjectMapper().readTree(line).get("args").get("payment_method_id").asText();
  }
}
