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
import java.io.CharArrayWriter;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Every decision as one JSON line: {@code time}, {@code decision_id}, {@code session},
 * {@code policy}, {@code policy_version}, {@code mode}, {@code call} ({@code id}, {@code tool},
 * {@code args}), {@code decision} (the policy's verdict: {@code allow}, {@code deny} or
 * {@code error}), {@code allowed} (what the caller was told: always true in shadow mode),
 * {@code rules}, {@code reasons}, {@code violations} (rule, reason, witnesses),
 * {@code alternatives}, {@code error}, {@code recorded}, {@code seq}, {@code micros}. Lines are
 * written whole, in the order of {@link #write}; a write failure is logged, never fails a
 * decision, and loses only the lines it hit.
 *
 * <p>With a flush interval, {@link #write} only queues the decision: a daemon thread turns the
 * queue into lines and flushes them at most that long after they were queued (and {@link #close}
 * writes the rest), so the thread answering the agent neither formats JSON nor makes a system
 * call per decision. Should that thread fall {@value #MAX_QUEUED} decisions behind, the caller
 * writes the queue itself: a busy sidecar slows down, it never drops a line. With {@link
 * Duration#ZERO}, every line is written and flushed by {@link #write} itself.
 */
public final class DecisionLog implements AutoCloseable {
  private static final Logger log = Logger.getLogger(DecisionLog.class.getName());
  /** The default of {@code vigil serve --decision-log-flush}, in milliseconds. */
  public static final long DEFAULT_FLUSH_MILLIS = 10;
  /** Decisions queued before a caller has to write them itself. */
  static final int MAX_QUEUED = 8192;

  /** A decision waiting to be written. */
  private record Queued(Instant time, String decisionId, CheckOutcome outcome) {}

  private final Writer out;
  private final boolean closeOut;
  private final String target;
  private final boolean flushEachLine;
  private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean closed;
  private final ScheduledExecutorService flusher;
  /** Formats one line at a time into {@link #line} (guarded by this). */
  private final LineWriter lines = new LineWriter();

  private DecisionLog(Writer out, boolean closeOut, String target, Duration flushInterval) {
    this.out = out;
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
      flusher.scheduleWithFixedDelay(this::writeQueued, nanos, nanos, TimeUnit.NANOSECONDS);
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

  /** {@code out} itself (tests: a writer that fails), lines flushed at most {@code flushInterval} after they were written. */
  static DecisionLog to(Writer out, String target, Duration flushInterval) {
    return new DecisionLog(out, true, target, flushInterval);
  }

  /** A log that keeps nothing. */
  public static DecisionLog discard() {
    return new DecisionLog(Writer.nullWriter(), true, "nowhere", Duration.ZERO);
  }

  public String target() {
    return target;
  }

  public void write(String decisionId, CheckOutcome outcome) {
    Queued decision = new Queued(Instant.now(), decisionId, outcome);
    if (closed) {
      log.warning("decision " + decisionId + " came after the decision log " + target + " was closed");
      return;
    }
    if (flushEachLine) {
      synchronized (this) {
        writeLine(decision);
        flush();
      }
      return;
    }
    queue.add(decision);
    if (closed) {
      lateAfterClose(); // close() may have drained the queue before this line joined it
      return;
    }
    if (queued.incrementAndGet() >= MAX_QUEUED) {
      synchronized (this) {
        drain(); // the log thread fell behind: the caller helps rather than let the queue grow
      }
    }
  }

  /** Lines queued after {@link #close} wrote the rest cannot be written any more: say so, not lose them silently. */
  private synchronized void lateAfterClose() {
    for (Queued decision = queue.poll(); decision != null; decision = queue.poll()) {
      log.warning("decision " + decision.decisionId() + " came after the decision log " + target + " was closed");
    }
  }

  /** The log thread's work: every queued decision as a line, then one flush. */
  private synchronized void writeQueued() {
    if (!closed && drain()) {
      flush();
    }
  }

  /** Writes every queued decision, oldest first; whether there was any (guarded by this). */
  private boolean drain() {
    boolean any = false;
    for (Queued decision = queue.poll(); decision != null; decision = queue.poll()) {
      queued.decrementAndGet();
      writeLine(decision);
      any = true;
    }
    return any;
  }

  /** One line to {@link #out}: formatted whole first, so a failure never leaves half a line (guarded by this). */
  private void writeLine(Queued decision) {
    try {
      lines.format(decision);
    } catch (IOException | RuntimeException e) {
      log.warning("cannot format decision " + decision.decisionId() + " for the decision log " + target + ": " + e);
      return;
    }
    try {
      lines.writeTo(out);
    } catch (IOException | RuntimeException e) {
      log.warning("cannot write decision " + decision.decisionId() + " to the decision log " + target + ": " + e);
    }
  }

  private void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      log.warning("cannot write the decision log " + target + ": " + e.getMessage());
    }
  }

  /**
   * Formats decisions as lines into one reusable buffer through one generator, so a line
   * allocates no parser state; a generator a failure left mid-object is replaced.
   */
  private static final class LineWriter {
    private final CharArrayWriter buffer = new CharArrayWriter(1024);
    private JsonGenerator json;

    void format(Queued decision) throws IOException {
      buffer.reset();
      if (json == null) {
        json = EventJson.MAPPER.getFactory().createGenerator(buffer)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .setRootValueSeparator(null);
      }
      try {
        line(json, InstantText.of(decision.time()), decision.decisionId(), decision.outcome());
        json.flush();
      } catch (IOException | RuntimeException e) {
        json = null;
        throw e;
      }
    }

    /** The line {@link #format} made. */
    void writeTo(Writer out) throws IOException {
      buffer.writeTo(out);
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
      JsonTrees.write(g, json.get("args"));
    }
    if (json.has("time")) {
      g.writeFieldName("time");
      JsonTrees.write(g, json.get("time"));
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
          JsonTrees.write(g, Json.toNode(v));
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

  /** Writes what is queued and flushes, then closes the target (standard output stays open). */
  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdown();
      try {
        flusher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      drain();
      try {
        out.flush();
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
