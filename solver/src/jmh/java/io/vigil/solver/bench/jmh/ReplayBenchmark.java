package io.vigil.solver.bench.jmh;

import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.bench.InProcessBench;
import io.vigil.solver.trace.Trace;
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

/** Replay of one generated retail trace of {@code events} events (incremental engine, whole policy): seconds per replay. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReplayBenchmark {
  @Param({"100000"})
  public int events;

  private PolicyDecider decider;
  private Trace trace;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    decider = InProcessBench.decider(DecisionBenchmark.retailPolicy(), 16);
    trace = InProcessBench.longTrace(1, events);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    decider.close();
  }

  @Benchmark
  public List<Replayer.Step> replay() {
    return Replayer.replay(decider, trace);
  }
}
