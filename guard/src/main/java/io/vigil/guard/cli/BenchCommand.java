package io.vigil.guard.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.SessionRequest;
import io.vigil.guard.v1.SessionResponse;
import io.vigil.guard.v1.Verdict;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.bench.InProcessBench;
import io.vigil.guard.bench.SidecarMemoryProbe;
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
import java.util.concurrent.ScheduledExecutorService;
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

  @Option(names = "--memory-store", defaultValue = "file", paramLabel = "file|memory|monitor",
      description = "What holds the idle sessions: the sidecar's session layer over the embedded file store (default) or "
          + "the memory store, or bare monitors (the decision state alone).")
  String memoryStore;

  @Option(names = "--memory-heap", defaultValue = "1g", paramLabel = "SIZE", description = "-Xmx of the memory child JVM (default 1g).")
  String memoryHeap;

  @Option(names = "--target", paramLabel = "HOST:PORT", description = "Drive a running 'vigil serve' over gRPC instead.")
  String target;

  @Option(names = "--sessions", defaultValue = "32", paramLabel = "N", description = "With --target: concurrent sessions, each with one check open at a time (default 32).")
  int sessions;

  @Option(names = "--duration", defaultValue = "20s", paramLabel = "TIME", description = "With --target: measured time, e.g. 20s, 500ms, 1m (default 20s).")
  String duration;

  @Option(names = "--warmup", defaultValue = "5s", paramLabel = "TIME", description = "With --target: unmeasured time first (default 5s).")
  String warmup;

  @Option(names = "--session-events", defaultValue = "100", paramLabel = "N",
      description = "With --target: events recorded in each session before the checks (default 100).")
  int sessionEvents;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "CHECKS_PER_SECOND",
      description = "With --target: open loop at this many checks per second in all, spread over the sessions, latency "
          + "counted from each check's scheduled time; the warm-up runs the same schedule, unmeasured (default 0: closed "
          + "loop, each session sends its next check when the previous answer arrives).")
  double rate;

  @Option(names = "--stream", description = "With --target: send each session's checks over one Session stream "
      + "(bidirectional) instead of unary Check calls.")
  boolean stream;

  @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
      description = "With --target: HTTP/2 connections the sessions are spread over, round robin (default 1). The "
          + "sidecar answers each connection on one transport thread, so one connection uses at most one of its cores.")
  int connections;

  @Option(names = "--latency-log", paramLabel = "FILE",
      description = "With --target: write every measured check as a line 'scheduled sent answered' (microseconds from "
          + "the start of the measurement), to see whether slow checks come alone or in stalls, and on which side.")
  Path latencyLog;

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
    List<String> probe = switch (memoryStore) {
      case "file", "memory" -> List.of(SidecarMemoryProbe.class.getName(), policy.toString(), "" + memorySessions,
          "" + memoryEvents, memoryStore);
      case "monitor" -> List.of(MemoryProbe.class.getName(), policy.toString(), "" + memorySessions, "" + memoryEvents);
      default -> throw new CliException("--memory-store must be file, memory or monitor, not '" + memoryStore + "'");
    };
    out().println("(c) memory: " + memorySessions + " idle sessions of " + memoryEvents + " events, "
        + (memoryStore.equals("monitor") ? "bare compact monitors (the decision state alone)"
            : "recorded through the sidecar's session layer over the " + memoryStore + " store (each session: its "
                + "compact monitor, whose events keep of tool outputs only what the rules read, and what the store keeps)")
        + ", child JVM -Xmx" + memoryHeap + ", heap used after full GC");
    out().flush();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + memoryHeap, "-Xms" + memoryHeap,
        "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path")));
    command.addAll(probe);
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
    // One event loop thread does everything on the client side: sends, answers (direct executor)
    // and the open loop's timers; no thread hands work to another (a hand-off costs more than a
    // check on two cores).
    if (connections < 1 || connections > sessions) {
      throw new CliException("--connections must be between 1 and --sessions (" + sessions + "), not " + connections);
    }
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup loop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    // no retries: a failed check is counted as an error, and retry bookkeeping costs on every call
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      channels.add(NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().disableRetry()
          .eventLoopGroup(loop).channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class).build());
    }
    ManagedChannel channel = channels.get(0);
    ScheduledExecutorService timer = loop.next();
    try {
      GuardGrpc.GuardBlockingStub setup = GuardGrpc.newBlockingStub(channel);
      List<List<CheckRequest>> requests = new ArrayList<>();
      String run = Long.toString(System.currentTimeMillis(), 36);
      for (int s = 0; s < sessions; s++) {
        RetailWorkload.Session session = RetailWorkload.session(1_000 + s, sessionEvents);
        String id = "bench-" + run + "-" + s;
        setup.createSession(CreateSessionRequest.newBuilder().setSessionId(id).setPolicy(policyName).build());
        List<io.vigil.guard.v1.Event> events = new ArrayList<>();
        for (Event e : session.history()) {
          events.add(proto(e));
          if (events.size() == 1000) {
            setup.record(RecordRequest.newBuilder().setSessionId(id).addAllEvents(events).build());
            events.clear();
          }
        }
        if (!events.isEmpty()) {
          setup.record(RecordRequest.newBuilder().setSessionId(id).addAllEvents(events).build());
        }
        List<CheckRequest> checks = new ArrayList<>();
        for (Event.ToolCall call : session.candidates()) {
          checks.add(CheckRequest.newBuilder().setSessionId(id).setCall(protoCall(call)).setTime(rfc3339(call)).build());
        }
        requests.add(checks);
      }
      out().printf(Locale.ROOT, "(d) gRPC %s on %s: %d sessions of %d events over %d connection%s, %s, %s warm-up, %s measured%n",
          stream ? "checks over Session streams" : "Check", target, sessions, sessionEvents, connections,
          connections == 1 ? "" : "s",
          rate > 0 ? String.format(Locale.ROOT, "open loop at %,.0f checks/s in all", rate)
              : "closed loop (each session sends its next check when the answer arrives)",
          warmup, duration);
      out().flush();
      long start = System.nanoTime();
      List<GuardGrpc.GuardStub> stubs = channels.stream().map(GuardGrpc::newStub).toList();
      CheckLoad load = new CheckLoad(stubs, requests, start + warmupNanos,
          start + warmupNanos + measureNanos, rate, stream, timer);
      CheckLoad.Result result = load.run(start);
      if (latencyLog != null) {
        writeLatencyLog(result.times(), start + warmupNanos);
      }
      double seconds = measureNanos / 1e9;
      long[] all = result.latencies();
      out().printf(Locale.ROOT, "throughput: %,.0f decisions/s (%,d in %.1f s)%n", all.length / seconds, all.length, seconds);
      out().printf(Locale.ROOT, "latency: p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us%n",
          InProcessBench.percentile(all, 0.50) / 1e3, InProcessBench.percentile(all, 0.99) / 1e3,
          InProcessBench.percentile(all, 0.999) / 1e3, all.length == 0 ? 0 : all[all.length - 1] / 1e3);
      if (rate > 0) {
        long[] service = result.serviceLatencies();
        out().printf(Locale.ROOT, "  (from each check's scheduled time; from its actual send: p50 %.0f us, p99 %.0f us; "
            + "%,d checks sent late because the session's previous check was still open)%n",
            InProcessBench.percentile(service, 0.50) / 1e3, InProcessBench.percentile(service, 0.99) / 1e3, result.late());
      }
      out().printf(Locale.ROOT, "verdicts: %,d allowed, %,d denied, %,d errors%n",
          all.length - result.denied() - result.errors(), result.denied(), result.errors());
      return result.denied() + result.errors() > 0 ? ExitCodes.VERDICT : ExitCodes.OK;
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * Check RPCs of several sessions, each with at most one check open (a session's checks are
   * serialized by the sidecar anyway). Closed loop ({@code rate} 0): a session sends its next
   * check when the answer to the previous one arrives. Open loop: checks are scheduled at {@code
   * rate} per second in all, spread evenly over the sessions; latency counts from the scheduled
   * time, so a slow answer that delays the next check is not hidden (a check whose time has come
   * while its session's previous check is still open is sent as soon as that one is answered).
   * The warm-up runs the same schedule unmeasured, so the measurement starts in the steady state
   * of that load (not with the backlog a closed loop leaves, nor with a cold client); checks
   * delayed while the sidecar was still compiling count only if the backlog outlasts the warm-up.
   */
  private static final class CheckLoad {
    /** {@code times}: per measured check {scheduled, sent, answered} in System.nanoTime. */
    record Result(long[] latencies, long[] serviceLatencies, long denied, long errors, long late, long[][] times) {}

    /** The sessions' stubs, one per connection; session s uses stubs[s % n]. */
    private final List<GuardGrpc.GuardStub> stubs;
    private final List<List<CheckRequest>> requests;
    private final long measureFrom;
    private final long end;
    private final long intervalNanos;
    private final boolean streams;
    private final ScheduledExecutorService timer;
    private final SessionLoop[] loops;
    private final java.util.concurrent.CountDownLatch done;

    CheckLoad(List<GuardGrpc.GuardStub> stubs, List<List<CheckRequest>> requests, long measureFrom, long end, double rate,
        boolean streams, ScheduledExecutorService timer) {
      this.streams = streams;
      this.stubs = stubs;
      this.requests = requests;
      this.measureFrom = measureFrom;
      this.end = end;
      this.intervalNanos = rate > 0 ? (long) (requests.size() * 1e9 / rate) : 0;
      this.timer = timer;
      this.loops = new SessionLoop[requests.size()];
      this.done = new java.util.concurrent.CountDownLatch(requests.size());
    }

    Result run(long start) throws InterruptedException {
      for (int s = 0; s < loops.length; s++) {
        loops[s] = new SessionLoop(stubs.get(s % stubs.size()), requests.get(s), intervalNanos * s / loops.length);
        loops[s].scheduled = intervalNanos > 0 ? start + loops[s].offset : start;
        loops[s].open = intervalNanos > 0;
        if (streams) {
          loops[s].useStream();
        }
      }
      for (SessionLoop loop : loops) {
        loop.sendAtSchedule();
      }
      if (!done.await(end - System.nanoTime() + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("checks still open 30 s after the end of the measurement");
      }
      long[] all = new long[0];
      long[] service = new long[0];
      long denied = 0;
      long errors = 0;
      long late = 0;
      List<long[]> times = new ArrayList<>();
      for (SessionLoop loop : loops) {
        for (int i = 0; i < loop.measured; i++) {
          long answered = loop.sentAt[i] + loop.service[i];
          times.add(new long[] {answered - loop.latencies[i], loop.sentAt[i], answered});
        }
        all = concat(all, loop.latencies, loop.measured);
        service = concat(service, loop.service, loop.measured);
        denied += loop.denied;
        errors += loop.errors;
        late += loop.late;
      }
      Arrays.sort(all);
      Arrays.sort(service);
      return new Result(all, service, denied, errors, late, times.toArray(new long[0][]));
    }

    private static long[] concat(long[] a, long[] b, int n) {
      long[] out = Arrays.copyOf(a, a.length + n);
      System.arraycopy(b, 0, out, a.length, n);
      return out;
    }

    /** One session's checks, one at a time; its fields are touched by one callback at a time. */
    private final class SessionLoop implements io.grpc.stub.StreamObserver<CheckResponse> {
      private final GuardGrpc.GuardStub stub;
      private final List<CheckRequest> checks;
      /** With --stream: the session's Session stream, its checks as stream messages; else null. */
      private io.grpc.stub.StreamObserver<SessionRequest> stream;
      private List<SessionRequest> streamed;
      private int next;
      private long scheduled;
      private long sent;
      private Verdict verdict;
      private long[] latencies = new long[1 << 12];
      private long[] service = new long[1 << 12];
      private long[] sentAt = new long[1 << 12];
      private int measured;
      private long denied;
      private long errors;
      private long late;
      /** This session's place in the open-loop schedule: it starts at the run's start + offset. */
      private final long offset;
      private boolean open;

      SessionLoop(GuardGrpc.GuardStub stub, List<CheckRequest> checks, long offset) {
        this.stub = stub;
        this.checks = checks;
        this.offset = offset;
      }

      void sendAtSchedule() {
        if (scheduled >= end) {
          if (stream != null) {
            stream.onCompleted();
          }
          done.countDown();
          return;
        }
        long wait = scheduled - System.nanoTime();
        if (open && wait > 0) {
          timer.schedule(this::send, wait, TimeUnit.NANOSECONDS);
        } else {
          if (open && wait < 0 && scheduled >= measureFrom) {
            late++;
          }
          send();
        }
      }

      private void send() {
        sent = System.nanoTime();
        if (!open) {
          scheduled = sent;
        }
        verdict = null;
        if (stream != null) {
          stream.onNext(streamed.get(next++ % streamed.size()));
        } else {
          stub.check(checks.get(next++ % checks.size()), this);
        }
      }

      /** Sends the checks over one Session stream instead of unary Check calls. */
      void useStream() {
        streamed = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
          streamed.add(SessionRequest.newBuilder().setRequestId(Integer.toString(i)).setCheck(checks.get(i)).build());
        }
        stream = stub.session(new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(SessionResponse response) {
            finish(response.hasCheck() ? response.getCheck().getDecision().getVerdict() : null);
          }

          @Override
          public void onError(Throwable t) {
            stream = null; // the stream broke: go on with unary checks (counted as an error here)
            finish(null);
          }

          @Override
          public void onCompleted() {
            // the sidecar closes its side after the bench closed its own
          }
        });
      }

      @Override
      public void onNext(CheckResponse response) {
        verdict = response.getDecision().getVerdict();
      }

      @Override
      public void onError(Throwable t) {
        finish(null);
      }

      @Override
      public void onCompleted() {
        finish(verdict);
      }

      private void finish(Verdict v) {
        long now = System.nanoTime();
        if (scheduled >= measureFrom && scheduled < end) {
          if (measured == latencies.length) {
            latencies = Arrays.copyOf(latencies, measured * 2);
            service = Arrays.copyOf(service, measured * 2);
            sentAt = Arrays.copyOf(sentAt, measured * 2);
          }
          sentAt[measured] = sent;
          latencies[measured] = now - scheduled;
          service[measured] = now - sent;
          measured++;
          if (v == Verdict.DENY) {
            denied++;
          } else if (v != Verdict.ALLOW) {
            errors++;
          }
        }
        if (open) {
          scheduled += intervalNanos;
          if (scheduled < now && v == null) {
            scheduled = now; // a failed call: do not burst to catch up
          }
        } else {
          scheduled = now;
        }
        sendAtSchedule();
      }
    }
  }

  /** One line per measured check: scheduled, sent and answered, microseconds from {@code origin}, in schedule order. */
  private void writeLatencyLog(long[][] times, long origin) throws java.io.IOException {
    long[][] sorted = times.clone();
    Arrays.sort(sorted, java.util.Comparator.comparingLong(t -> t[0]));
    try (java.io.BufferedWriter w = Files.newBufferedWriter(latencyLog)) {
      w.write("# scheduled sent answered (microseconds from the start of the measurement)\n");
      for (long[] t : sorted) {
        w.write((t[0] - origin) / 1000 + " " + (t[1] - origin) / 1000 + " " + (t[2] - origin) / 1000 + "\n");
      }
    }
    out().println("latency log: " + latencyLog + " (" + sorted.length + " checks)");
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
