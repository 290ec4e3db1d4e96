package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.value.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil test}: run the policy tests (traces with expectations) beside each policy. */
@Command(
    name = "test",
    description = {
      "Run policy tests: for every *.vigil under DIR, replay each *.jsonl under the tests/ directory beside it.",
      "A tool_call line may carry \"expect\": \"deny\"|\"allow\" (default allow) and \"expect_rules\": [..] "
          + "(rules that must all be among the failed rules).",
      "Prints each failure, a per-rule coverage table (traces that deny by the rule / traces where it was "
          + "triggered and the call allowed), then 'N passed, N failed' (traces). Exit 1 on any failure."
    })
final class TestCommand extends Verb {
  @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Directories of policies, or policy files.")
  List<Path> paths;

  @Option(names = "--require-coverage",
      description = "Fail unless every rule has a test that it denies and a test where it triggers and allows.")
  boolean requireCoverage;

  @Option(names = "--engine", defaultValue = "incremental", paramLabel = "incremental|fast|z3",
      description = "Decide with the incremental monitor (default), the scanning evaluator or Z3.")
  EngineOption engine;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
  OutputFormat format;

  /** Per rule: traces that deny by it, traces where it triggered on an allowed call. */
  private static final class Coverage {
    int denied;
    int allowed;

    boolean complete() {
      return denied > 0 && allowed > 0;
    }
  }

  @Override
  int run() throws Exception {
    List<Path> policies = Inputs.expand(paths, Inputs.POLICY_SUFFIX);
    if (policies.isEmpty()) {
      throw new CliException("no " + Inputs.POLICY_SUFFIX + " files under " + paths);
    }
    int passed = 0;
    int failed = 0;
    boolean uncovered = false;
    ArrayNode jsonPolicies = JsonNodeFactory.instance.arrayNode();
    for (Path policyFile : policies) {
      LoadedPolicy loaded = Inputs.policy(policyFile);
      Path testsDir = relativeTo(policyFile, "tests");
      List<Path> traces = Files.isDirectory(testsDir) ? Inputs.walk(testsDir, Inputs.TRACE_SUFFIX) : List.of();
      Map<String, Coverage> coverage = new LinkedHashMap<>();
      ObjectNode jsonPolicy = jsonPolicies.addObject().put("policy", policyFile.toString());
      ArrayNode jsonTraces = jsonPolicy.putArray("traces");
      if (traces.isEmpty() && format == OutputFormat.text) {
        out().println(policyFile + ": no tests (no *.jsonl under " + relativeTo(policyFile, "tests") + ")");
      }
      int policyPassed = 0;
      try (PolicyDecider decider = PolicyOptions.open(loaded, err())) {
        for (CompiledRule rule : decider.policy().rules()) {
          coverage.put(rule.name(), new Coverage());
        }
        for (Path traceFile : traces) {
          TraceTest test = TraceTest.run(decider, Inputs.trace(traceFile), engine.engine, coverage.keySet());
          test.deniedBy().forEach(r -> coverage.get(r).denied++);
          test.allowedTriggered().forEach(r -> coverage.get(r).allowed++);
          ObjectNode jsonTrace = jsonTraces.addObject().put("trace", traceFile.toString()).put("passed", test.passed());
          ArrayNode jsonFailures = jsonTrace.putArray("failures");
          for (TraceTest.Failure failure : test.failures()) {
            jsonFailures.addObject()
                .put("index", failure.index())
                .put("line", failure.index() + 1)
                .put("message", failure.message());
            if (format == OutputFormat.text) {
              out().println("FAIL " + test.describe(failure));
            }
          }
          if (test.passed()) {
            policyPassed++;
          }
        }
      }
      passed += policyPassed;
      failed += traces.size() - policyPassed;
      List<String> missing = missing(coverage);
      uncovered |= requireCoverage && !missing.isEmpty();
      ArrayNode jsonCoverage = jsonPolicy.putArray("coverage");
      coverage.forEach((rule, c) -> jsonCoverage.addObject()
          .put("rule", rule).put("denied", c.denied).put("allowed", c.allowed).put("covered", c.complete()));
      ArrayNode jsonMissing = jsonPolicy.putArray("uncovered");
      missing.forEach(jsonMissing::add);
      if (format == OutputFormat.text) {
        printTable(policyFile, traces.size(), policyPassed, coverage);
        if (requireCoverage) {
          missing.forEach(m -> out().println("UNCOVERED " + policyFile + ": " + m));
        }
      }
    }
    if (format == OutputFormat.json) {
      ObjectNode result = JsonNodeFactory.instance.objectNode();
      result.set("policies", jsonPolicies);
      result.put("passed", passed).put("failed", failed);
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      out().println(passed + " passed, " + failed + " failed");
    }
    return failed > 0 || uncovered ? ExitCodes.VERDICT : ExitCodes.OK;
  }

  /** The tests directory beside the policy, spelled relative to the policy's path as given. */
  private static Path relativeTo(Path policyFile, String sibling) {
    Path parent = policyFile.getParent();
    return parent == null ? Path.of(sibling) : parent.resolve(sibling);
  }

  private static List<String> missing(Map<String, Coverage> coverage) {
    List<String> missing = new ArrayList<>();
    coverage.forEach((rule, c) -> {
      List<String> lacks = new ArrayList<>();
      if (c.denied == 0) {
        lacks.add("no test it denies");
      }
      if (c.allowed == 0) {
        lacks.add("no test where it triggers and allows");
      }
      if (!lacks.isEmpty()) {
        missing.add(rule + ": " + String.join(", ", lacks));
      }
    });
    return missing;
  }

  private void printTable(Path policyFile, int traces, int policyPassed, Map<String, Coverage> coverage) {
    out().println(policyFile + ": " + traces + " traces, " + policyPassed + " passed, " + (traces - policyPassed) + " failed");
    int width = Math.max(4, coverage.keySet().stream().mapToInt(String::length).max().orElse(4));
    out().printf("  %-" + width + "s  %6s  %6s%n", "rule", "denied", "allowed");
    coverage.forEach((rule, c) -> out().printf("  %-" + width + "s  %6d  %6d%s%n",
        rule, c.denied, c.allowed, c.complete() ? "" : "  (not covered both ways)"));
  }
}
