package io.vigil.guard.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.session.EventJson;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Every decision as one JSON line: {@code time}, {@code decision_id}, {@code session},
 * {@code policy}, {@code policy_version}, {@code mode}, {@code call} ({@code id}, {@code tool},
 * {@code args}), {@code decision} (the policy's verdict: {@code allow}, {@code deny} or
 * {@code error}), {@code allowed} (what the caller was told: always true in shadow mode),
 * {@code rules}, {@code reasons}, {@code violations} (rule, reason, witnesses),
 * {@code alternatives}, {@code error}, {@code recorded}, {@code seq}, {@code micros}. Lines are
 * written whole and flushed; a write failure is logged, never fails a decision.
 */
public final class DecisionLog implements AutoCloseable {
  private static final Logger log = Logger.getLogger(DecisionLog.class.getName());

  private final Writer out;
  private final boolean closeOut;
  private final String target;

  private DecisionLog(Writer out, boolean closeOut, String target) {
    this.out = out;
    this.closeOut = closeOut;
    this.target = target;
  }

  /** {@code -} is standard output; anything else a file, appended to (its directory created). */
  public static DecisionLog open(String target) throws IOException {
    if (target.equals("-")) {
      return new DecisionLog(new OutputStreamWriter(new NonClosing(System.out), StandardCharsets.UTF_8), false, "stdout");
    }
    Path file = Path.of(target).toAbsolutePath();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new DecisionLog(writer, true, file.toString());
  }

  /** A log that keeps nothing. */
  public static DecisionLog discard() {
    return new DecisionLog(Writer.nullWriter(), true, "nowhere");
  }

  public String target() {
    return target;
  }

  public void write(String decisionId, CheckOutcome outcome) {
    ObjectNode line = EventJson.object();
    line.put("time", Instant.now().toString());
    line.put("decision_id", decisionId);
    line.put("session", outcome.sessionId());
    line.put("policy", outcome.policy().name());
    line.put("policy_version", outcome.policy().version());
    line.put("mode", outcome.mode().name().toLowerCase());
    ObjectNode call = line.putObject("call");
    ObjectNode json = outcome.callJson();
    if (outcome.call().id() != null) {
      call.put("id", outcome.call().id());
    }
    call.put("tool", outcome.call().tool());
    call.set("args", json.get("args"));
    if (json.has("time")) {
      call.set("time", json.get("time"));
    }
    Decision decision = outcome.decision();
    line.put("decision", outcome.verdict().name().toLowerCase());
    line.put("allowed", outcome.allowed());
    ArrayNode rules = line.putArray("rules");
    ArrayNode reasons = line.putArray("reasons");
    ArrayNode violations = line.putArray("violations");
    for (Decision.Violation v : decision.violations()) {
      rules.add(v.rule());
      reasons.add(v.reason());
      ObjectNode one = violations.addObject();
      one.put("rule", v.rule());
      one.put("reason", v.reason());
      ArrayNode witnesses = one.putArray("witnesses");
      v.witnesses().forEach(witnesses::add);
    }
    if (!decision.alternatives().isEmpty()) {
      ObjectNode alternatives = line.putObject("alternatives");
      for (Map.Entry<String, List<Value>> e : decision.alternatives().entrySet()) {
        ArrayNode values = alternatives.putArray(e.getKey());
        e.getValue().forEach(v -> values.add(Json.toNode(v)));
      }
    }
    decision.engineError().ifPresent(e -> line.put("error", e));
    line.put("recorded", outcome.recorded());
    if (outcome.recorded()) {
      line.put("seq", outcome.seq());
    }
    line.put("micros", outcome.micros());
    String text = line.toString() + "\n";
    synchronized (this) {
      try {
        out.write(text);
        out.flush();
      } catch (IOException e) {
        log.warning("cannot write the decision log " + target + ": " + e.getMessage());
      }
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.flush();
      if (closeOut) {
        out.close();
      }
    } catch (IOException e) {
      log.warning("closing the decision log " + target + ": " + e.getMessage());
    }
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

}
