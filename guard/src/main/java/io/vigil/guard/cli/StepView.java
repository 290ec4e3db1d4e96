package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.solver.Replayer;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.value.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How one replayed call is shown. Witnesses are mapped from history positions to 0-based trace
 * line indices; text output shows 1-based line numbers, as editors do.
 */
final class StepView {
  private final Replayer.Step step;

  StepView(Replayer.Step step) {
    this.step = step;
  }

  /** {@code allow}, {@code deny} or {@code error} (an engine error, which also denies). */
  String verdict() {
    Decision d = step.decision();
    if (d.engineError().isPresent()) {
      return "error";
    }
    return d.allowed() ? "allow" : "deny";
  }

  List<Integer> witnesses(Decision.Violation violation) {
    return violation.witnesses().stream().map(step::traceLine).distinct().sorted().toList();
  }

  List<Integer> witnesses() {
    TreeSet<Integer> all = new TreeSet<>();
    step.decision().violations().forEach(v -> all.addAll(witnesses(v)));
    return List.copyOf(all);
  }

  ObjectNode json() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Decision d = step.decision();
    ObjectNode node = f.objectNode();
    node.put("index", step.line().index());
    node.put("id", step.call().id());
    node.put("tool", step.call().tool());
    node.put("decision", verdict());
    ArrayNode rules = node.putArray("rules");
    ArrayNode reasons = node.putArray("reasons");
    ArrayNode violations = f.arrayNode();
    for (Decision.Violation v : d.violations()) {
      rules.add(v.rule());
      reasons.add(v.reason());
      ObjectNode vn = violations.addObject();
      vn.put("rule", v.rule());
      vn.put("reason", v.reason());
      witnesses(v).forEach(vn.putArray("witnesses")::add);
    }
    witnesses().forEach(node.putArray("witnesses")::add);
    ObjectNode alternatives = node.putObject("alternatives");
    d.alternatives().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          ArrayNode values = alternatives.putArray(e.getKey());
          e.getValue().forEach(v -> values.add(Json.toNode(v)));
        });
    node.set("violations", violations);
    d.engineError().ifPresent(message -> node.put("error", message));
    return node;
  }

  /** {@code line 3  c1  get_order_details  DENY} and, indented, each violation. */
  List<String> text() {
    Decision d = step.decision();
    String head = String.format("line %d  %s  %s  %s",
        step.line().index() + 1, step.call().id() == null ? "-" : step.call().id(),
        step.call().tool(), verdict().toUpperCase(java.util.Locale.ROOT));
    List<String> lines = new java.util.ArrayList<>(List.of(head));
    d.engineError().ifPresent(message -> lines.add("    engine error: " + message));
    for (Decision.Violation v : d.violations()) {
      lines.add("    " + v.rule() + ": " + v.reason() + "  (witness lines "
          + witnesses(v).stream().map(i -> String.valueOf(i + 1)).collect(Collectors.joining(", ")) + ")");
    }
    d.alternatives().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> lines.add("    allowed " + e.getKey() + ": "
            + e.getValue().stream().map(Json::render).collect(Collectors.joining(", "))));
    return lines;
  }
}
