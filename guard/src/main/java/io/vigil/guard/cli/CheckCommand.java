package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.PolicyException;
import io.vigil.solver.value.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil check}: parse and type-check policies, print every diagnostic. */
@Command(
    name = "check",
    description = {
      "Parse and check policy files (every *.vigil under a directory, recursively).",
      "Prints file:line:col: severity: message for each problem; exit 0 when there are no errors "
          + "(warnings are allowed), 2 when a policy has errors."
    })
final class CheckCommand extends Verb {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Policy files or directories.")
  List<Path> paths;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json (a list of {file, line, column, severity, message}).")
  OutputFormat format;

  @Override
  int run() throws Exception {
    List<Path> files = Inputs.expand(paths, Inputs.POLICY_SUFFIX);
    if (files.isEmpty()) {
      throw new CliException("no " + Inputs.POLICY_SUFFIX + " files under " + paths);
    }
    List<Diagnostic> diagnostics = new ArrayList<>();
    for (Path file : files) {
      try {
        diagnostics.addAll(Inputs.policy(file).warnings());
      } catch (PolicyException e) {
        diagnostics.addAll(e.diagnostics());
      }
    }
    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    if (format == OutputFormat.json) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      for (Diagnostic d : diagnostics) {
        list.addObject()
            .put("file", d.position().file())
            .put("line", d.position().line())
            .put("column", d.position().column())
            .put("severity", d.severity().toString())
            .put("message", d.message());
      }
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    } else {
      diagnostics.forEach(out()::println);
      out().printf("%d %s checked: %d %s, %d %s%n",
          files.size(), files.size() == 1 ? "policy" : "policies",
          errors, errors == 1 ? "error" : "errors",
          diagnostics.size() - errors, diagnostics.size() - errors == 1 ? "warning" : "warnings");
    }
    return errors > 0 ? ExitCodes.ERROR : ExitCodes.OK;
  }
}
