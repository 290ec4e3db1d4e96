package io.vigil.guard.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.session.EventJson;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.InstantText;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Every decision as one JSON line: {@code time}, {@code decision_id}, {@code session},
 * {@code policy}, {@code policy_version}, {@code mode}, {@code call} ({@code id}, {@code tool},
 * {@code args}), {@code decision} (the policy's verdict: {@code allow}, {@code deny} or
 * {@code error}), {@code allowed} (what the caller was told: always true in shadow mode),
 * {@code rules}, {@code reasons}, {@code violations} (rule, reason, witnesses),
 * {@code alternatives}, {@code error}, {@code recorded}, {@code seq}, {@code micros}. Lines are
 * written whole; a write failure is logged, never fails a decision.
 *
 * <p>With a flush interval, lines are buffered and a daemon thread flushes them at most that long
 * after they were written (and {@link #close} flushes the rest), so that a busy sidecar makes one
 * write system call per interval instead of one per decision; with {@link Duration#ZERO}, every
 * line is flushed as it is written.
 */
public final class DecisionLog implements AutoCloseable {
  private static final Logger log = Logger.getLogger(DecisionLog.class.getName());
  /** The default of {@code vigil serve --decision-log-flush}, in milliseconds. */
  public static final long DEFAULT_FLUSH_MILLIS = 10;

  private final Writer out;
  private final boolean closeOut;
  private final String target;
  private final boolean flushEachLine;
  /** Lines were written since the last flush (guarded by this). */
  private boolean dirty;
  private boolean closed;
  private final ScheduledExecutorService flusher;
  /** One generator for the log's whole life, so a line allocates no parser state (guarded by this). */
  private final JsonGenerator json;

  private DecisionLog(Writer out, boolean closeOut, String target, Duration flushInterval) {
    this.out = out;
    try {
      this.json = EventJson.MAPPER.getFactory().createGenerator(out)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .setRootValueSeparator(null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.closeOut = closeOut;
    this.target = target;
    this.flushEachLine = flushInterval.isZero();
    if (flushEachLine) {
      flusher = null;
    } else {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-decision-log");
        t.setDaemon(true);
        return t;
      });
      long nanos = flushInterval.toNanos();
      flusher.scheduleWithFixedDelay(this::flushIfDirty, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** {@code -} is standard output; anything else a file, appended to (its directory created); each line flushed. */
  public static DecisionLog open(String target) throws IOException {
    return open(target, Duration.ZERO);
  }

  /** As {@link #open(String)}, lines flushed at most {@code flushInterval} after they were written. */
  public static DecisionLog open(String target, Duration flushInterval) throws IOException {
    if (flushInterval.isNegative()) {
      throw new IllegalArgumentException("the flush interval must not be negative");
    }
    if (target.equals("-")) {
      return new DecisionLog(new BufferedWriter(new OutputStreamWriter(new NonClosing(System.out),
          StandardCharsets.UTF_8), 1 << 16), false, "stdout", flushInterval);
    }
    Path file = Path.of(target).toAbsolutePath();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Writer writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE), StandardCharsets.UTF_8), 1 << 16);
    return new DecisionLog(writer, true, file.toString(), flushInterval);
  }

  /** A log that keeps nothing. */
  public static DecisionLog discard() {
    return new DecisionLog(Writer.nullWriter(), true, "nowhere", Duration.ZERO);
  }

  public String target() {
    return target;
  }

  public void write(String decisionId, CheckOutcome outcome) {
    String time = InstantText.of(Instant.now());
    synchronized (this) {
      if (closed) {
        log.warning("decision " + decisionId + " came after the decision log " + target + " was closed");
        return;
      }
      try {
        line(json, time, decisionId, outcome);
        if (flushEachLine) {
          json.flush();
        } else {
          dirty = true;
        }
      } catch (IOException | RuntimeException e) {
        log.warning("cannot write decision " + decisionId + " to the decision log " + target + ": " + e);
      }
    }
  }

  /** The decision's JSON line, newline included, streamed into {@code g} without building a tree. */
  private static void line(JsonGenerator g, String time, String decisionId, CheckOutcome outcome) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", time);
    g.writeStringField("decision_id", decisionId);
    g.writeStringField("session", outcome.sessionId());
    g.writeStringField("policy", outcome.policy().name());
    g.writeStringField("policy_version", outcome.policy().version());
    g.writeStringField("mode", outcome.mode() == CheckOutcome.Mode.SHADOW ? "shadow" : "enforce");
    g.writeObjectFieldStart("call");
    if (outcome.call().id() != null) {
      g.writeStringField("id", outcome.call().id());
    }
    g.writeStringField("tool", outcome.call().tool());
    ObjectNode json = outcome.callJson();
    if (json.has("args")) {
      g.writeFieldName("args");
      g.writeTree(json.get("args"));
    }
    if (json.has("time")) {
      g.writeFieldName("time");
      g.writeTree(json.get("time"));
    }
    g.writeEndObject();
    Decision decision = outcome.decision();
    g.writeStringField("decision", switch (outcome.verdict()) {
      case ALLOW -> "allow";
      case DENY -> "deny";
      case ERROR -> "error";
    });
    g.writeBooleanField("allowed", outcome.allowed());
    g.writeArrayFieldStart("rules");
    for (Decision.Violation v : decision.violations()) {
      g.writeString(v.rule());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("reasons");
    for (Decision.Violation v : decision.violations()) {
      g.writeString(v.reason());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("violations");
    for (Decision.Violation v : decision.violations()) {
      g.writeStartObject();
      g.writeStringField("rule", v.rule());
      g.writeStringField("reason", v.reason());
      g.writeArrayFieldStart("witnesses");
      for (int w : v.witnesses()) {
        g.writeNumber(w);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    if (!decision.alternatives().isEmpty()) {
      g.writeObjectFieldStart("alternatives");
      for (Map.Entry<String, List<Value>> e : decision.alternatives().entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (Value v : e.getValue()) {
          g.writeTree(Json.toNode(v));
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    if (decision.engineError().isPresent()) {
      g.writeStringField("error", decision.engineError().get());
    }
    g.writeBooleanField("recorded", outcome.recorded());
    if (outcome.recorded()) {
      g.writeNumberField("seq", outcome.seq());
    }
    g.writeNumberField("micros", outcome.micros());
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private synchronized void flushIfDirty() {
    if (!dirty || closed) {
      return;
    }
    dirty = false;
    try {
      json.flush();
    } catch (IOException e) {
      log.warning("cannot write the decision log " + target + ": " + e.getMessage());
    }
  }

  /** Flushes what is buffered, then closes the target (standard output stays open). */
  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdown();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        json.flush();
        if (closeOut) {
          out.close();
        }
      } catch (IOException e) {
        log.warning("closing the decision log " + target + ": " + e.getMessage());
      }
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
