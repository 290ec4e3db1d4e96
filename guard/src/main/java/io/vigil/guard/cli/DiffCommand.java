package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.solver.analysis.Finding;
import io.vigil.solver.analysis.PolicyDiff;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.value.Json;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil diff}: a shortest history on which two policies decide differently. */
@Command(
    name = "diff",
    description = {
      "Find a shortest history and call (up to --depth events) on which two policies decide",
      "differently, printed as a JSON Lines trace that `vigil replay` reproduces, or report",
      "them equivalent up to that depth. Exit 0 equivalent, 1 different, 2 error or undecided."
    })
final class DiffCommand extends Verb {
  @Parameters(index = "0", paramLabel = "OLD", description = "The policy before the change.")
  Path old;

  @Parameters(index = "1", paramLabel = "NEW", description = "The policy after the change.")
  Path updated;

  @Option(names = "--depth", defaultValue = "4", description = "Longest history considered (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS", description = "Z3 time per history length (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
  OutputFormat format;

  @Override
  int run() throws Exception {
    if (depth < 0 || depth > 12) {
      throw new CliException("--depth must be between 0 and 12");
    }
    LoadedPolicy a = Inputs.policy(old);
    LoadedPolicy b = Inputs.policy(updated);
    Optional<Finding> found = PolicyDiff.diff(
        RuleCompiler.compile(a.policy(), a.sourceHash()), RuleCompiler.compile(b.policy(), b.sourceHash()),
        depth, timeoutSeconds * 1000);
    if (found.isPresent() && found.get().kind() == Finding.Kind.INCONCLUSIVE) {
      throw new CliException(found.get().message() + " (try a larger --timeout)");
    }
    if (format == OutputFormat.json) {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("old", old.toString()).put("new", updated.toString()).put("depth", depth);
      node.put("equivalent", found.isEmpty());
      found.ifPresent(f -> {
        ArrayNode holder = JsonNodeFactory.instance.arrayNode();
        node.set("difference", FindingView.json(f, holder));
      });
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } else if (found.isEmpty()) {
      out().println("equivalent up to depth " + depth);
    } else {
      FindingView.text(found.get(), out());
    }
    return found.isEmpty() ? ExitCodes.OK : ExitCodes.VERDICT;
  }
}
