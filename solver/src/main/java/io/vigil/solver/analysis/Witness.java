package io.vigil.solver.analysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.TraceReader;
import io.vigil.solver.value.Json;
import java.util.List;

/** A history and a call (the last line, id "candidate") as JSON Lines that `vigil replay` reads. */
public record Witness(List<ObjectNode> lines) {
  public Witness {
    lines = List.copyOf(lines);
  }

  public String jsonl() {
    StringBuilder out = new StringBuilder();
    for (ObjectNode line : lines) {
      out.append(line.toString()).append('\n');
    }
    return out.toString();
  }

  /** What the runtime (the fast evaluator) decides on the candidate after this history. */
  public Decision decide(CompiledPolicy policy) {
    History history = new History();
    for (int i = 0; i < lines.size() - 1; i++) {
      history.append(TraceReader.event(lines.get(i), "witness", i + 1));
    }
    Event.ToolCall call = (Event.ToolCall) TraceReader.event(lines.get(lines.size() - 1), "witness", lines.size());
    return new FastDecider(policy).decide(new Situation(history, call, call.time().orElseThrow()));
  }

  static String render(Object o) {
    return Json.MAPPER.valueToTree(o).toString();
  }
}
