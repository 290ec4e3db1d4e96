package io.vigil.guard.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.Verdict;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.bench.InProcessBench;
import io.vigil.solver.bench.MemoryProbe;
import io.vigil.solver.bench.RetailWorkload;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.Trace;
import io.vigil.solver.value.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil bench}: performance figures on generated retail sessions. Without {@code --target}:
 * in-process decision latency against history length and policy size, replay throughput of a long
 * trace, and the memory of many idle sessions (in a child JVM with the heap to test). With {@code
 * --target}: concurrent sessions driving Check RPCs of a running {@code vigil serve}.
 */
@Command(
    name = "bench",
    description = {
      "Measure Vigil on generated tau-bench retail sessions and print tables.",
      "In-process (default): decision latency p50/p99 against history length and policy size, replay throughput "
          + "of a long trace, memory of idle sessions (child JVM). With --target HOST:PORT: Check RPCs of a running "
          + "'vigil serve' over gRPC from --sessions concurrent sessions for --duration.",
      "Exit 0 when every measured call was allowed, 1 when some call was denied, 2 on an error."
    })
final class BenchCommand extends Verb {
  @Option(names = "--policy", defaultValue = "examples/retail/retail.vigil", paramLabel = "FILE",
      description = "The retail policy (default: examples/retail/retail.vigil).")
  Path policy;

  @Option(names = "--only", split = ",", paramLabel = "latency|replay|memory",
      description = "In-process parts to run (default: all three).")
  List<String> only;

  @Option(names = "--history", split = ",", defaultValue = "10,100,1000,10000,100000", paramLabel = "N[,N...]",
      description = "History lengths of the latency table (default 10,100,1000,10000,100000).")
  List<Integer> historyLengths;

  @Option(names = "--rules", split = ",", defaultValue = "1,10,16,100", paramLabel = "N[,N...]",
      description = "Policy sizes of the latency table: the first N rules of the policy, cycled under new names "
          + "past its end (default 1,10,16,100; 16 is the whole retail policy).")
  List<Integer> ruleCounts;

  @Option(names = "--no-scan", description = "Leave out the scan engine's column of the latency table (its 100,000-event "
      + "cell alone takes minutes).")
  boolean noScan;

  @Option(names = "--measure-ms", defaultValue = "1000", paramLabel = "MS", description = "Measured time per latency cell (default 1000).")
  long measureMillis;

  @Option(names = "--replay-events", defaultValue = "1000000", paramLabel = "N", description = "Events of the replayed trace (default 1000000).")
  int replayEvents;

  @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Replay runs; the median is reported (default 3).")
  int runs;

  @Option(names = "--memory-sessions", defaultValue = "100000", paramLabel = "N", description = "Idle sessions held (default 100000).")
  int memorySessions;

  @Option(names = "--memory-events", defaultValue = "20", paramLabel = "N", description = "Events per idle session (default 20).")
  int memoryEvents;

  @Option(names = "--memory-heap", defaultValue = "1g", paramLabel = "SIZE", description = "-Xmx of the memory child JVM (default 1g).")
  String memoryHeap;

  @Option(names = "--target", paramLabel = "HOST:PORT", description = "Drive a running 'vigil serve' over gRPC instead.")
  String target;

  @Option(names = "--sessions", defaultValue = "32", paramLabel = "N", description = "With --target: concurrent sessions, one client thread each (default 32).")
  int sessions;

  @Option(names = "--duration", defaultValue = "20s", paramLabel = "TIME", description = "With --target: measured time, e.g. 20s, 500ms, 1m (default 20s).")
  String duration;

  @Option(names = "--warmup", defaultValue = "5s", paramLabel = "TIME", description = "With --target: unmeasured time first (default 5s).")
  String warmup;

  @Option(names = "--session-events", defaultValue = "100", paramLabel = "N",
      description = "With --target: events recorded in each session before the checks (default 100).")
  int sessionEvents;

  @Option(names = "--policy-name", defaultValue = "retail", paramLabel = "NAME", description = "With --target: the loaded policy to bind sessions to (default retail).")
  String policyName;

  @Override
  int run() throws Exception {
    if (target != null) {
      return grpc();
    }
    String text = Files.readString(policy);
    List<String> parts = only == null || only.isEmpty() ? List.of("latency", "replay", "memory") : only;
    out().println("vigil bench: " + policy + ", " + Runtime.getRuntime().availableProcessors() + " cpus, java "
        + System.getProperty("java.version") + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    boolean denied = false;
    if (parts.contains("latency")) {
      denied |= latency(text);
    }
    if (parts.contains("replay")) {
      denied |= replay(text);
    }
    if (parts.contains("memory")) {
      memory();
    }
    return denied ? ExitCodes.VERDICT : ExitCodes.OK;
  }

  // ------------------------------------------------------------------ (a) latency

  private boolean latency(String text) {
    out().println();
    out().println("(a) in-process decision latency, incremental engine, microseconds p50 / p99 (allowed calls; "
        + measureMillis + " ms per cell)");
    List<PolicyDecider> deciders = new ArrayList<>();
    for (int rules : ruleCounts) {
      deciders.add(InProcessBench.decider(text, rules));
    }
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-9s", "history"));
    for (int rules : ruleCounts) {
      header.append(String.format(Locale.ROOT, " | %-17s", rules + (rules == 1 ? " rule" : " rules")));
    }
    if (!noScan) {
      header.append(" | scan engine, all rules");
    }
    out().println(header);
    // warm the JIT: every decider on every candidate of a 1,000-event session, for a while
    RetailWorkload.Session warm = RetailWorkload.session(7, 1_000);
    for (int round = 0; round < 2; round++) {
      for (PolicyDecider d : deciders) {
        InProcessBench.latency(d, InProcessBench.monitor(d, warm), warm.candidates(), false, 1_000, 100, 100_000);
      }
    }
    boolean denied = false;
    int full = ruleCounts.indexOf(16) >= 0 ? ruleCounts.indexOf(16) : ruleCounts.size() - 1;
    for (int length : historyLengths) {
      RetailWorkload.Session session = RetailWorkload.session(length, length);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-9d", length));
      Monitor fullMonitor = null;
      for (int i = 0; i < deciders.size(); i++) {
        Monitor monitor = InProcessBench.monitor(deciders.get(i), session);
        InProcessBench.Latency l = InProcessBench.latency(deciders.get(i), monitor, session.candidates(), false,
            Math.max(200, measureMillis / 3), measureMillis, 2_000_000);
        denied |= l.denied() > 0;
        row.append(String.format(Locale.ROOT, " | %7.2f / %7.2f", l.p50() / 1e3, l.p99() / 1e3));
        if (i == full) {
          fullMonitor = monitor;
        }
      }
      if (!noScan) {
        InProcessBench.Latency scan = InProcessBench.latency(deciders.get(full), fullMonitor, session.candidates(), true,
            Math.min(200, measureMillis / 3), measureMillis, 200_000);
        row.append(String.format(Locale.ROOT, " | %9.2f / %9.2f", scan.p50() / 1e3, scan.p99() / 1e3));
      }
      out().println(row);
      out().flush();
      session = null;
      System.gc();
    }
    if (denied) {
      out().println("note: some generated calls were denied (the workload should be compliant)");
    }
    return denied;
  }

  // ------------------------------------------------------------------ (b) replay

  private boolean replay(String text) {
    out().println();
    out().println("(b) in-process replay of one " + replayEvents + "-event retail trace, incremental engine, whole policy");
    PolicyDecider decider = InProcessBench.decider(text, 1_000);
    decider.close();
    decider = InProcessBench.decider(text, ruleCountOfPolicy(text));
    long started = System.nanoTime();
    Trace trace = InProcessBench.longTrace(1, replayEvents);
    out().printf(Locale.ROOT, "generated in %.1f s%n", (System.nanoTime() - started) / 1e9);
    // one short warm-up replay, then the measured runs
    InProcessBench.replay(decider, InProcessBench.longTrace(2, Math.min(replayEvents, 100_000)));
    double[] rates = new double[runs];
    boolean denied = false;
    for (int r = 0; r < runs; r++) {
      System.gc();
      InProcessBench.Replay result = InProcessBench.replay(decider, trace);
      rates[r] = result.eventsPerSecond();
      denied |= result.denied() > 0;
      out().printf(Locale.ROOT, "run %d: %,.0f events/s (%d calls decided, %d denied)%n", r + 1, result.eventsPerSecond(),
          result.calls(), result.denied());
      out().flush();
    }
    Arrays.sort(rates);
    out().printf(Locale.ROOT, "median: %,.0f events/s%n", rates[rates.length / 2]);
    decider.close();
    return denied;
  }

  private static int ruleCountOfPolicy(String text) {
    return (int) text.lines().filter(l -> l.startsWith("rule ")).count();
  }

  // ------------------------------------------------------------------ (c) memory

  private void memory() throws Exception {
    out().println();
    out().println("(c) memory: " + memorySessions + " idle sessions of " + memoryEvents + " events (monitor: history + indexes), "
        + "child JVM -Xmx" + memoryHeap + ", heap used after full GC");
    out().flush();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = List.of(java.toString(), "-Xmx" + memoryHeap, "-Xms" + memoryHeap, "-XX:+UseG1GC",
        "-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName(),
        policy.toString(), "" + memorySessions, "" + memoryEvents);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("memory sessions=")) {
          long used = field(line, "used_bytes");
          long per = field(line, "per_session_bytes");
          out().printf(Locale.ROOT, "fits: heap used %.0f MiB of %s (%,d bytes per session, %,d per event)%n",
              used / 1048576.0, memoryHeap, per, per / Math.max(1, memoryEvents));
        } else if (line.startsWith("memory oom")) {
          out().println("does NOT fit: out of memory after " + field(line, "after") + " sessions");
        } else {
          out().println("  " + line);
        }
      }
    }
    process.waitFor();
  }

  private static long field(String line, String name) {
    for (String part : line.split(" ")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ (d) gRPC

  private int grpc() throws Exception {
    long measureNanos = parseDuration(duration);
    long warmupNanos = parseDuration(warmup);
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    try {
      GuardGrpc.GuardBlockingStub stub = GuardGrpc.newBlockingStub(channel);
      List<String> ids = new ArrayList<>();
      List<List<Event.ToolCall>> candidates = new ArrayList<>();
      String run = Long.toString(System.currentTimeMillis(), 36);
      for (int s = 0; s < sessions; s++) {
        RetailWorkload.Session session = RetailWorkload.session(1_000 + s, sessionEvents);
        String id = "bench-" + run + "-" + s;
        stub.createSession(CreateSessionRequest.newBuilder().setSessionId(id).setPolicy(policyName).build());
        List<io.vigil.guard.v1.Event> events = new ArrayList<>();
        for (Event e : session.history()) {
          events.add(proto(e));
          if (events.size() == 1000) {
            stub.record(RecordRequest.newBuilder().setSessionId(id).addAllEvents(events).build());
            events.clear();
          }
        }
        if (!events.isEmpty()) {
          stub.record(RecordRequest.newBuilder().setSessionId(id).addAllEvents(events).build());
        }
        ids.add(id);
        candidates.add(session.candidates());
      }
      out().printf(Locale.ROOT, "(d) gRPC Check on %s: %d sessions of %d events, one client thread each, %s warm-up, %s measured%n",
          target, sessions, sessionEvents, warmup, duration);
      out().flush();
      long start = System.nanoTime();
      long measureFrom = start + warmupNanos;
      long end = measureFrom + measureNanos;
      List<Future<long[]>> results = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        String id = ids.get(s);
        List<CheckRequest> requests = new ArrayList<>();
        for (Event.ToolCall call : candidates.get(s)) {
          requests.add(CheckRequest.newBuilder().setSessionId(id).setCall(protoCall(call)).setTime(rfc3339(call)).build());
        }
        results.add(pool.submit(() -> drive(stub, requests, measureFrom, end)));
      }
      long[] all = new long[0];
      long denied = 0;
      long errors = 0;
      for (Future<long[]> f : results) {
        long[] r = f.get();
        denied += r[0];
        errors += r[1];
        long[] lat = Arrays.copyOfRange(r, 2, r.length);
        long[] merged = Arrays.copyOf(all, all.length + lat.length);
        System.arraycopy(lat, 0, merged, all.length, lat.length);
        all = merged;
      }
      Arrays.sort(all);
      double seconds = measureNanos / 1e9;
      out().printf(Locale.ROOT, "throughput: %,.0f decisions/s (%,d in %.1f s)%n", all.length / seconds, all.length, seconds);
      out().printf(Locale.ROOT, "latency: p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us%n",
          InProcessBench.percentile(all, 0.50) / 1e3, InProcessBench.percentile(all, 0.99) / 1e3,
          InProcessBench.percentile(all, 0.999) / 1e3, all.length == 0 ? 0 : all[all.length - 1] / 1e3);
      out().printf(Locale.ROOT, "verdicts: %,d allowed, %,d denied, %,d errors%n", all.length - denied - errors, denied, errors);
      return denied + errors > 0 ? ExitCodes.VERDICT : ExitCodes.OK;
    } finally {
      pool.shutdownNow();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Checks round robin until {@code end}; returns {denied, errors, latencies measured after {@code from}...}. */
  private static long[] drive(GuardGrpc.GuardBlockingStub stub, List<CheckRequest> requests, long from, long end) {
    long[] latencies = new long[1 << 16];
    int n = 0;
    long denied = 0;
    long errors = 0;
    for (int i = 0; ; i++) {
      long t0 = System.nanoTime();
      if (t0 >= end) {
        break;
      }
      CheckResponse response = stub.check(requests.get(i % requests.size()));
      long t1 = System.nanoTime();
      if (t0 >= from) {
        if (n == latencies.length) {
          latencies = Arrays.copyOf(latencies, n * 2);
        }
        latencies[n++] = t1 - t0;
        Verdict v = response.getDecision().getVerdict();
        if (v == Verdict.DENY) {
          denied++;
        } else if (v != Verdict.ALLOW) {
          errors++;
        }
      }
    }
    long[] out = new long[n + 2];
    out[0] = denied;
    out[1] = errors;
    System.arraycopy(latencies, 0, out, 2, n);
    return out;
  }

  static long parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Long.parseLong(t.substring(0, t.length() - 2)) * 1_000_000L;
    }
    long unit = t.endsWith("m") ? 60_000_000_000L : 1_000_000_000L;
    String number = t.endsWith("m") || t.endsWith("s") ? t.substring(0, t.length() - 1) : t;
    return (long) (Double.parseDouble(number) * unit);
  }

  private static String rfc3339(Event e) {
    return e.time().map(s -> Instant.ofEpochSecond(s.longValue()).toString()).orElse("");
  }

  private static io.vigil.guard.v1.ToolCall protoCall(Event.ToolCall c) {
    return io.vigil.guard.v1.ToolCall.newBuilder().setId(c.id()).setTool(c.tool())
        .setArgsJson(Json.render(new io.vigil.solver.value.Value.Obj(c.args()))).build();
  }

  private static io.vigil.guard.v1.Event proto(Event e) {
    io.vigil.guard.v1.Event.Builder b = io.vigil.guard.v1.Event.newBuilder().setTime(rfc3339(e));
    if (e instanceof Event.UserMessage m) {
      b.setUserMessage(io.vigil.guard.v1.UserMessage.newBuilder().setText(m.text()));
    } else if (e instanceof Event.AssistantMessage m) {
      b.setAssistantMessage(io.vigil.guard.v1.AssistantMessage.newBuilder().setText(m.text()));
    } else if (e instanceof Event.ToolCall c) {
      b.setToolCall(protoCall(c));
    } else if (e instanceof Event.ToolResult r) {
      io.vigil.guard.v1.ToolResult.Builder rb = io.vigil.guard.v1.ToolResult.newBuilder().setId(r.id()).setTool(r.tool());
      if (r.ok()) {
        rb.setOutputJson(Json.render(r.output().orElseThrow()));
      } else {
        rb.setError(r.error().orElseThrow());
      }
      b.setToolResult(rb);
    }
    return b.build();
  }
}
