package io.vigil.guard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.EventJson;
import io.vigil.guard.session.SessionRegistry;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.FileEventStore;
import io.vigil.guard.store.MemoryEventStore;
import io.vigil.solver.bench.RetailWorkload;
import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Json;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds SESSIONS idle retail sessions of EVENTS events each in the sidecar's own session layer
 * (policy registry, session registry, event store; each session's events recorded as {@code
 * Record} records them, so each has its compact monitor) and prints the heap used after a full
 * GC. Run in a JVM of the heap to test: {@code java -Xmx1g -cp ... io.vigil.guard.bench.SidecarMemoryProbe
 * POLICY_FILE 100000 20 file|memory}; {@code file} uses an embedded store in a new temporary
 * directory (deleted at the end). Prints {@code memory sessions=.. events=.. used_bytes=..
 * baseline_bytes=.. per_session_bytes=..} or {@code memory oom after=..}.
 */
public final class SidecarMemoryProbe {
  private SidecarMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // no "loaded policy" lines
    Path policyFile = Path.of(args[0]).toAbsolutePath();
    int sessions = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    boolean file = args.length < 4 || args[3].equals("file");
    Path dir = file ? Files.createTempDirectory("vigil-memory-probe") : null;
    try (PolicyRegistry policies = PolicyRegistry.open(policyFile.getParent(), Duration.ZERO);
        EventStore store = file ? FileEventStore.open(dir) : new MemoryEventStore()) {
      SessionRegistry registry = new SessionRegistry(store, policies);
      ActivePolicy policy = policies.all().iterator().next();
      long baseline = usedAfterGc();
      int created = 0;
      try {
        for (; created < sessions; created++) {
          String id = "probe-" + created;
          registry.create(id, policy.name(), Map.of());
          List<ObjectNode> json = new ArrayList<>();
          for (Event e : RetailWorkload.session(created, events).history()) {
            json.add(traceJson(e));
          }
          registry.get(id, "session_id").record(policy, json, Deadline.none());
        }
      } catch (OutOfMemoryError e) {
        System.out.println("memory oom after=" + created + " max_heap_bytes=" + Runtime.getRuntime().maxMemory());
        return;
      }
      long used = usedAfterGc();
      System.out.println("memory sessions=" + sessions + " events=" + events + " used_bytes=" + used
          + " baseline_bytes=" + baseline + " per_session_bytes=" + (used - baseline) / sessions
          + " max_heap_bytes=" + Runtime.getRuntime().maxMemory() + " store=" + store.describe());
      // the sessions must stay reachable until measured: compiled code may drop a local it no longer reads
      // the sessions must stay reachable until measured: compiled code may drop a local it no longer reads
      if (System.getenv("PROBE_HOLD") != null) {
        Thread.sleep(30_000);
      }
      java.lang.ref.Reference.reachabilityFence(registry);
    } finally {
      if (dir != null) {
        try (var paths = Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** An event as a line of a JSON Lines trace, with its time. */
  private static ObjectNode traceJson(Event event) {
    ObjectNode json = EventJson.object();
    Optional<BigDecimal> time;
    if (event instanceof Event.UserMessage m) {
      json.put("type", "user_message").put("text", m.text());
      time = m.time();
    } else if (event instanceof Event.AssistantMessage m) {
      json.put("type", "assistant_message").put("text", m.text());
      time = m.time();
    } else if (event instanceof Event.ToolCall c) {
      json.put("type", "tool_call").put("id", c.id()).put("tool", c.tool());
      c.args().forEach((k, v) -> json.with("args").set(k, Json.toNode(v)));
      time = c.time();
    } else {
      Event.ToolResult r = (Event.ToolResult) event;
      json.put("type", "tool_result").put("id", r.id()).put("tool", r.tool());
      r.output().ifPresent(o -> json.set("output", Json.toNode(o)));
      r.error().ifPresent(e -> json.put("error", e));
      time = r.time();
    }
    json.put("time", Instant.ofEpochSecond(time.orElse(BigDecimal.ZERO).longValue()).toString());
    return json;
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
