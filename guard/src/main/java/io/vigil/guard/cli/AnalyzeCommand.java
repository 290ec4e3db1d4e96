package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import io.vigil.solver.analysis.Finding;
import io.vigil.solver.analysis.PolicyAnalyzer;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.value.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil analyze}: vacuous and redundant rules, unreachable tools, with witnesses. */
@Command(
    name = "analyze",
    description = {
      "Look for broken policies over every history of up to --depth events (with Z3): rules that can",
      "never deny (vacuous), rules implied by the others (redundant), tools no history allows",
      "(unreachable). Witnesses are JSON Lines traces that `vigil replay` reproduces. Calls of the",
      "policy's tests (tests/*.jsonl beside it) are tried as witnesses before Z3 is asked.",
      "Exit 0 no finding, 1 findings, 2 error."
    })
final class AnalyzeCommand extends Verb {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Policy files or directories.")
  List<Path> paths;

  @Option(names = "--depth", defaultValue = "3", description = "Longest history considered (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS", description = "Z3 time per question (default ${DEFAULT-VALUE}); a question without an answer is reported as undecided.")
  int timeoutSeconds;

  @Option(names = "--witness-dir", paramLabel = "DIR", description = "Also write each witness to DIR/<policy>.<kind>.<subject>.jsonl.")
  Path witnessDir;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
  OutputFormat format;

  @Option(names = "--no-tests", description = "Do not look for answers in the policy's tests (the *.jsonl under tests/ beside it) before asking Z3.")
  boolean noTests;

  @Override
  int run() throws Exception {
    if (depth < 0 || depth > 12) {
      throw new CliException("--depth must be between 0 and 12");
    }
    List<Path> files = Inputs.expand(paths, Inputs.POLICY_SUFFIX);
    if (files.isEmpty()) {
      throw new CliException("no " + Inputs.POLICY_SUFFIX + " files under " + paths);
    }
    ArrayNode json = JsonNodeFactory.instance.arrayNode();
    int findings = 0;
    for (Path file : files) {
      // A misspelt argument name is an error that `check` rejects; analysis goes on regardless to
      // show what the misspelling does (typically: the rule never fires).
      LoadedPolicy loaded = Inputs.policyTolerating(file, Set.of(Diagnostic.Code.UNKNOWN_PARAMETER));
      List<Diagnostic> errors = loaded.warnings().stream().filter(Diagnostic::isError).toList();
      findings += errors.size();
      for (Diagnostic error : errors) {
        if (format == OutputFormat.json) {
          ObjectNode node = json.addObject();
          node.put("kind", "policy_error");
          node.put("subject", error.position().toString());
          node.put("message", error.message());
          node.put("policy", file.toString());
        } else {
          out().println(error);
        }
      }
      CompiledPolicy policy = RuleCompiler.compile(loaded.policy(), loaded.sourceHash());
      List<Trace> seeds = new ArrayList<>();
      Path tests = file.resolveSibling("tests");
      if (!noTests && Files.isDirectory(tests)) {
        for (Path trace : Inputs.walk(tests, Inputs.TRACE_SUFFIX)) {
          seeds.add(Inputs.trace(trace));
        }
      }
      List<Finding> found = new PolicyAnalyzer(policy, depth, timeoutSeconds * 1000).analyze(seeds);
      for (Finding f : explainedBy(errors, loaded.policy(), found)) {
        findings += f.kind() == Finding.Kind.INCONCLUSIVE ? 0 : 1;
        if (format == OutputFormat.json) {
          FindingView.json(f, json).put("policy", file.toString());
        } else {
          out().print(file + ": ");
          FindingView.text(f, out());
        }
        if (witnessDir != null && f.witness().isPresent()) {
          Files.createDirectories(witnessDir);
          String name = loaded.policy().name() + "." + f.kind().name().toLowerCase() + "." + f.subject() + ".jsonl";
          Files.writeString(witnessDir.resolve(name), f.witness().get().jsonl());
        }
      }
      if (format == OutputFormat.text) {
        out().printf("%s: %d %s up to depth %d%n", file, found.size(), found.size() == 1 ? "finding" : "findings", depth);
      }
    }
    if (format == OutputFormat.json) {
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
    return findings > 0 ? ExitCodes.VERDICT : ExitCodes.OK;
  }

  /** Vacuous findings of rules that hold a tolerated error name it as the likely cause. */
  private static List<Finding> explainedBy(List<Diagnostic> errors, Policy policy, List<Finding> found) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : found) {
      Optional<Diagnostic> cause = f.kind() == Finding.Kind.VACUOUS_RULE
          ? errors.stream().filter(e -> ruleAt(policy, e.position()).filter(f.subject()::equals).isPresent()).findFirst()
          : Optional.empty();
      out.add(cause.map(c -> new Finding(f.kind(), f.subject(), f.message() + "; likely cause: " + c, f.rules(), f.witness()))
          .orElse(f));
    }
    return out;
  }

  /** The rule whose text holds {@code at}: the last one that starts before it. */
  private static Optional<String> ruleAt(Policy policy, SourcePosition at) {
    String name = null;
    for (Policy.Rule rule : policy.rules()) {
      if (rule.position().line() <= at.line()) {
        name = rule.name();
      }
    }
    return Optional.ofNullable(name);
  }
}
