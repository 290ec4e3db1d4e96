package io.vigil.solver.bench;

import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.monitor.Monitor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds SESSIONS idle retail sessions of EVENTS events each, as the sidecar keeps them (a compact
 * monitor per session: indexes, and events whose outputs keep only what the rules read), and
 * prints the heap used after a full GC. Run in a JVM of the heap to test, e.g.
 * {@code java -Xmx1g -cp ... io.vigil.solver.bench.MemoryProbe POLICY 100000 20}; prints one line
 * {@code memory sessions=.. events=.. used_bytes=.. baseline_bytes=.. per_session_bytes=..} or
 * {@code memory oom after=..}. A fourth argument {@code history-only} holds bare histories
 * instead of monitors (to tell the indexes' share), {@code full} monitors with whole outputs.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  public static void main(String[] args) throws Exception {
    String policy = Files.readString(Path.of(args[0]));
    int sessions = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    PolicyDecider decider = new PolicyDecider(PolicyLoader.load(policy, "retail.vigil").policy(), "bench");
    long baseline = usedAfterGc();
    boolean historyOnly = args.length > 3 && args[3].equals("history-only");
    boolean full = args.length > 3 && args[3].equals("full");
    Object[] held = new Object[sessions];
    int created = 0;
    try {
      for (; created < sessions; created++) {
        if (historyOnly) {
          held[created] = io.vigil.solver.trace.History.of(RetailWorkload.session(created, events).history());
        } else {
          Monitor m = full ? decider.newMonitor() : decider.monitorPlan().newCompactMonitor();
          RetailWorkload.session(created, events).history().forEach(m::append);
          held[created] = m;
        }
      }
    } catch (OutOfMemoryError e) {
      held = null;
      System.out.println("memory oom after=" + created + " max_heap_bytes=" + Runtime.getRuntime().maxMemory());
      return;
    }
    long used = usedAfterGc();
    System.out.println("memory sessions=" + sessions + " events=" + events + " used_bytes=" + used
        + " baseline_bytes=" + baseline + " per_session_bytes=" + (used - baseline) / sessions
        + " max_heap_bytes=" + Runtime.getRuntime().maxMemory() + " held=" + held.length);
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
