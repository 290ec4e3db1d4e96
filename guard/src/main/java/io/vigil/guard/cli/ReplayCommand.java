package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.value.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil replay}: decide every tool call of recorded traces, as enforcement would have. */
@Command(
    name = "replay",
    description = {
      "Replay traces (JSON Lines) under a policy: one decision per tool_call, each against the history "
          + "so far; a denied call and its result never enter the history.",
      "Exit 0 when every call is allowed, 1 when a call is denied, 2 on an input or engine error."
    })
final class ReplayCommand extends Verb {
  @Mixin PolicyOptions policyOptions;

  @Option(names = "--trace", required = true, arity = "1..*", paramLabel = "FILE|DIR",
      description = "Trace files, or directories of *.jsonl traces.")
  List<Path> traces;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: an array of {index, id, tool, decision, rules, reasons, witnesses, alternatives[, error]} "
          + "(index and witnesses are 0-based trace line indices).")
  OutputFormat format;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write one JSON result per trace into DIR (x.jsonl -> DIR/x.json).")
  Path outDir;

  @Override
  int run() throws Exception {
    List<Path> files = Inputs.expand(traces, Inputs.TRACE_SUFFIX);
    if (files.isEmpty()) {
      throw new CliException("no " + Inputs.TRACE_SUFFIX + " files under " + traces);
    }
    Map<Path, Path> targets = outDir == null ? Map.of() : targets(files);
    Map<Path, Trace> read = new LinkedHashMap<>();
    for (Path file : files) {
      read.put(file, Inputs.trace(file));
    }
    boolean single = outDir == null && traces.size() == 1 && !Files.isDirectory(traces.get(0));
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    boolean denied = false;
    boolean errored = false;
    try (PolicyDecider decider = policyOptions.decider(err())) {
      for (Map.Entry<Path, Trace> entry : read.entrySet()) {
        List<StepView> views = new ArrayList<>();
        for (Replayer.Step step : Replayer.replay(decider, entry.getValue(), policyOptions.engine.engine)) {
          views.add(new StepView(step));
        }
        denied |= views.stream().anyMatch(v -> v.verdict().equals("deny"));
        errored |= views.stream().anyMatch(v -> v.verdict().equals("error"));
        ArrayNode decisions = JsonNodeFactory.instance.arrayNode();
        views.forEach(v -> decisions.add(v.json()));
        if (outDir != null) {
          Path target = targets.get(entry.getKey());
          Files.writeString(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(decisions) + "\n");
          if (format == OutputFormat.text) {
            out().println(entry.getKey() + " -> " + target + ": " + summary(views));
          }
        } else if (format == OutputFormat.json) {
          if (single) {
            all.addAll(decisions);
          } else {
            all.addObject().put("trace", entry.getKey().toString()).set("decisions", decisions);
          }
        } else {
          if (!single) {
            out().println("== " + entry.getKey());
          }
          views.forEach(v -> v.text().forEach(out()::println));
          out().println(entry.getKey() + ": " + summary(views));
        }
      }
    }
    if (outDir == null && format == OutputFormat.json) {
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
    if (errored) {
      err().println("vigil replay: engine error on at least one call (denied, fail closed)");
      return ExitCodes.ERROR;
    }
    return denied ? ExitCodes.VERDICT : ExitCodes.OK;
  }

  /** DIR/x.json for each x.jsonl; two traces with the same name are an error. */
  private Map<Path, Path> targets(List<Path> files) throws Exception {
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new CliException(outDir + ": --out must be a directory");
    }
    Files.createDirectories(outDir);
    Map<Path, Path> targets = new HashMap<>();
    Map<Path, Path> sources = new HashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String base = name.endsWith(Inputs.TRACE_SUFFIX) ? name.substring(0, name.length() - Inputs.TRACE_SUFFIX.length()) : name;
      Path target = outDir.resolve(base + ".json");
      Path other = sources.put(target, file);
      if (other != null) {
        throw new CliException("traces " + other + " and " + file + " would both be written to " + target);
      }
      targets.put(file, target);
    }
    return targets;
  }

  private static String summary(List<StepView> views) {
    long allowed = views.stream().filter(v -> v.verdict().equals("allow")).count();
    long denied = views.stream().filter(v -> v.verdict().equals("deny")).count();
    long errors = views.size() - allowed - denied;
    return views.size() + (views.size() == 1 ? " call, " : " calls, ") + allowed + " allowed, " + denied + " denied"
        + (errors > 0 ? ", " + errors + " engine errors" : "");
  }
}
