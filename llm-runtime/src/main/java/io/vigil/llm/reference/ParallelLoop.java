package io.vigil.llm.reference;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on a fixed fork/join pool. Each task writes its own outputs and computes them
 * in a fixed order, so results are the same for any number of threads.
 */
final class ParallelLoop implements AutoCloseable {
  private final ForkJoinPool pool;

  ParallelLoop(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    this.pool = threads == 1 ? null : new ForkJoinPool(threads);
  }

  int threads() {
    return pool == null ? 1 : pool.getParallelism();
  }

  /** Runs {@code body} for every task number in [0, tasks). */
  void forEach(int tasks, IntConsumer body) {
    if (pool == null || tasks <= 1) {
      for (int task = 0; task < tasks; task++) {
        body.accept(task);
      }
      return;
    }
    pool.invoke(new Range(0, tasks, body));
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private static final class Range extends RecursiveAction {
    private final int from;
    private final int to;
    private final IntConsumer body;

    Range(int from, int to, IntConsumer body) {
      this.from = from;
      this.to = to;
      this.body = body;
    }

    @Override
    protected void compute() {
      if (to - from == 1) {
        body.accept(from);
        return;
      }
      int middle = (from + to) >>> 1;
      invokeAll(new Range(from, middle, body), new Range(middle, to, body));
    }
  }
}
