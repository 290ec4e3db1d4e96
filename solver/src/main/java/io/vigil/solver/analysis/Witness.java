package io.vigil.solver.analysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.FastDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.trace.TraceReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A history and a call (the last line) as JSON Lines that `vigil replay` reads, with where it came
 * from when it was taken from an existing trace rather than built from a Z3 model.
 */
public final class Witness {
  private final List<ObjectNode> lines;
  private final Optional<String> origin;
  private final Map<CompiledPolicy, Decision> decided = new IdentityHashMap<>();
  private Situation situation;

  public Witness(List<ObjectNode> lines) {
    this(lines, Optional.empty());
  }

  public Witness(List<ObjectNode> lines, Optional<String> origin) {
    this.lines = List.copyOf(lines);
    this.origin = origin;
  }

  public List<ObjectNode> lines() {
    return lines;
  }

  /** "file:line" of the call when the witness is a prefix of an existing trace. */
  public Optional<String> origin() {
    return origin;
  }

  public String jsonl() {
    StringBuilder out = new StringBuilder();
    for (ObjectNode line : lines) {
      out.append(line.toString()).append('\n');
    }
    return out.toString();
  }

  /** What the runtime (the fast evaluator) decides on the last call after this history. */
  public Decision decide(CompiledPolicy policy) {
    return decided.computeIfAbsent(policy, p -> new FastDecider(p).decide(situation()));
  }

  /** The tool of the last call, the one decided. */
  public String candidateTool() {
    return situation().candidate().tool();
  }

  /** Whether the last call matches the rule's trigger and condition. */
  public boolean triggers(CompiledRule rule) {
    return new Evaluator(situation(), rule.variables()).holds(rule.triggered());
  }

  private Situation situation() {
    if (situation == null) {
      History history = new History();
      for (int i = 0; i < lines.size() - 1; i++) {
        history.append(TraceReader.event(lines.get(i), "witness", i + 1));
      }
      Event.ToolCall call = (Event.ToolCall) TraceReader.event(lines.get(lines.size() - 1), "witness", lines.size());
      situation = PolicyDecider.situation(history, call);
    }
    return situation;
  }

  /**
   * One witness per tool call of a trace, replayed under enforcement: a denied call and the
   * results answering it do not enter the history of the later witnesses.
   */
  public static List<Witness> everyCallOf(Trace trace, CompiledPolicy policy) {
    List<Witness> out = new ArrayList<>();
    List<ObjectNode> kept = new ArrayList<>();
    Set<String> denied = new HashSet<>();
    for (Trace.Line line : trace.lines()) {
      ObjectNode raw = ((ObjectNode) line.raw()).deepCopy();
      raw.remove(List.of("expect", "expect_rules"));
      Event event = line.event();
      if (event instanceof Event.ToolCall call) {
        List<ObjectNode> lines = new ArrayList<>(kept);
        lines.add(raw);
        Witness w = new Witness(lines, Optional.of(trace.source() + ":" + (line.index() + 1)));
        out.add(w);
        if (w.decide(policy).allowed()) {
          kept.add(raw);
        } else if (call.id() != null) {
          denied.add(call.id());
        }
      } else if (!(event instanceof Event.ToolResult r && r.id() != null && denied.contains(r.id()))) {
        kept.add(raw);
      }
    }
    return out;
  }
}
