package io.vigil.solver.bench;

import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** In-process measurements on generated retail sessions: decision latency, replay throughput. */
public final class InProcessBench {
  private InProcessBench() {}

  /** Percentiles of one configuration, in nanoseconds; {@code denied}: candidates that were denied. */
  public record Latency(long p50, long p99, long samples, long denied) {}

  /** A decider on the first {@code rules} rules of the policy text (cycled past its end). */
  public static PolicyDecider decider(String policyText, int rules) {
    LoadedPolicy loaded = PolicyLoader.load(PolicyVariants.withRules(policyText, rules), "bench-" + rules + ".vigil");
    return new PolicyDecider(loaded.policy(), "bench");
  }

  /** A monitor fed a generated retail session of {@code events} events. */
  public static Monitor monitor(PolicyDecider decider, RetailWorkload.Session session) {
    Monitor monitor = decider.newMonitor();
    session.history().forEach(monitor::append);
    return monitor;
  }

  /**
   * Decides the session's candidate calls round robin with the incremental engine (or, with
   * {@code scan}, the scanning evaluator): {@code warmupMillis} unmeasured, then until {@code
   * measureMillis} have passed or {@code maxSamples} decisions were timed.
   */
  public static Latency latency(PolicyDecider decider, Monitor monitor, List<Event.ToolCall> candidates,
      boolean scan, long warmupMillis, long measureMillis, int maxSamples) {
    History history = monitor.history();
    long end = System.nanoTime() + warmupMillis * 1_000_000L;
    int i = 0;
    while (System.nanoTime() < end) {
      decide(decider, monitor, history, candidates.get(i++ % candidates.size()), scan);
    }
    long[] samples = new long[maxSamples];
    int n = 0;
    long denied = 0;
    end = System.nanoTime() + measureMillis * 1_000_000L;
    while (n < maxSamples && (n < 20 || System.nanoTime() < end)) {
      Event.ToolCall call = candidates.get(i++ % candidates.size());
      long start = System.nanoTime();
      Decision d = decide(decider, monitor, history, call, scan);
      samples[n++] = System.nanoTime() - start;
      if (!d.allowed()) {
        denied++;
      }
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    return new Latency(percentile(sorted, 0.50), percentile(sorted, 0.99), n, denied);
  }

  private static Decision decide(PolicyDecider decider, Monitor monitor, History history, Event.ToolCall call, boolean scan) {
    return scan ? decider.decide(history, call, PolicyDecider.Engine.FAST) : decider.decide(monitor, call);
  }

  public static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** A generated single-session retail trace of {@code events} events, in memory. */
  public static Trace longTrace(long seed, int events) {
    List<Trace.Line> lines = new ArrayList<>(events);
    RetailWorkload.stream(seed, events, e -> lines.add(new Trace.Line(lines.size(), e, null)));
    return new Trace("generated-retail-" + events, lines);
  }

  /** One replay's figures: events per second, calls decided, calls denied. */
  public record Replay(double eventsPerSecond, long seconds, int calls, long denied) {}

  public static Replay replay(PolicyDecider decider, Trace trace) {
    long start = System.nanoTime();
    List<Replayer.Step> steps = Replayer.replay(decider, trace);
    long elapsed = System.nanoTime() - start;
    long denied = steps.stream().filter(s -> !s.decision().allowed()).count();
    return new Replay(trace.lines().size() / (elapsed / 1e9), elapsed / 1_000_000_000L, steps.size(), denied);
  }
}
