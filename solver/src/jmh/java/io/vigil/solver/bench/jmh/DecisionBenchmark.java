package io.vigil.solver.bench.jmh;

import io.vigil.solver.PolicyDecider;
import io.vigil.solver.bench.InProcessBench;
import io.vigil.solver.bench.RetailWorkload;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One in-process decision (incremental engine) on a generated retail session of {@code
 * historyLength} events, under the first {@code rules} retail rules (cycled past 16). The
 * candidates are the session's allowed calls, round robin. Sample mode reports p50/p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int historyLength;

  @Param({"1", "10", "100"})
  public int rules;

  private PolicyDecider decider;
  private Monitor monitor;
  private List<Event.ToolCall> candidates;
  private int next;

  static String retailPolicy() throws Exception {
    for (Path p : List.of(Path.of("examples/retail/retail.vigil"), Path.of("../examples/retail/retail.vigil"))) {
      if (Files.isRegularFile(p)) {
        return Files.readString(p);
      }
    }
    throw new IllegalStateException("examples/retail/retail.vigil not found from " + Path.of("").toAbsolutePath());
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    decider = InProcessBench.decider(retailPolicy(), rules);
    RetailWorkload.Session session = RetailWorkload.session(historyLength, historyLength);
    monitor = InProcessBench.monitor(decider, session);
    candidates = session.candidates();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    decider.close();
  }

  @Benchmark
  public Decision decide() {
    Event.ToolCall call = candidates.get(next++ % candidates.size());
    return decider.decide(monitor, call);
  }
}
