package io.vigil.guard.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import io.vigil.guard.v1.Verdict;
import io.vigil.guard.v1.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code vigil serve} processes (separate JVMs, different ports) on one PostgreSQL database:
 * what a session records through one replica is enforced by the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("vigil serve: listening on ([0-9.]+):(\\d+)");
  private static final Path REPO = findRepo();

  @TempDir static Path tmp;
  private TestDatabase db;
  private Replica a;
  private Replica b;
  /** Every process started, so that none outlives the test even when a start fails. */
  private final List<Process> started = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A running {@code vigil serve} process and a stub to it. */
  private record Replica(Process process, ManagedChannel channel, GuardGrpc.GuardBlockingStub stub) {
    void stop() throws InterruptedException {
      channel.shutdownNow();
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @BeforeAll
  void start() throws Exception {
    db = TestDatabase.create();
    Path policies = Files.createDirectories(tmp.resolve("policies"));
    Files.copy(REPO.resolve("examples/retail/retail.vigil"), policies.resolve("retail.vigil"));
    // both at once: they also race to create the schema
    ExecutorService starter = Executors.newFixedThreadPool(2);
    try {
      Future<Replica> fa = starter.submit(() -> serve(policies, "a"));
      Future<Replica> fb = starter.submit(() -> serve(policies, "b"));
      a = fa.get(90, TimeUnit.SECONDS);
      b = fb.get(90, TimeUnit.SECONDS);
    } finally {
      starter.shutdownNow();
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (Replica r : new Replica[] {a, b}) {
      if (r != null) {
        r.stop();
      }
    }
    synchronized (started) {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
    if (db != null) {
      db.close();
    }
  }

  private Replica serve(Path policies, String name) throws Exception {
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.vigil.guard.cli.VigilCommand", "serve", "--policies", policies.toString(), "--store", db.url,
        "--port", "0", "--decision-log", tmp.resolve(name + "-decisions.jsonl").toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    started.add(process);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = READY.matcher(Files.exists(out) ? Files.readString(out) : "");
      if (m.find()) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(m.group(1), Integer.parseInt(m.group(2))).usePlaintext().build();
        return new Replica(process, channel, GuardGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS));
      }
      if (!process.isAlive()) {
        throw new AssertionError("vigil serve " + name + " exited " + process.exitValue() + ": " + Files.readString(err));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new AssertionError("vigil serve " + name + " did not get ready: " + Files.readString(err));
  }

  private static GuardGrpc.GuardBlockingStub fresh(Replica r) {
    return GuardGrpc.newBlockingStub(r.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @Test
  void aSessionAuthenticatedThroughOneReplicaReadsOrdersThroughTheOther() {
    fresh(a).createSession(CreateSessionRequest.newBuilder().setSessionId("conv-1").setPolicy("retail").build());
    // the session was created through A; B finds it in the database
    ToolCall early = call("c0", "get_order_details", "{\"order_id\":\"#W2611340\"}");
    CheckResponse denied = fresh(b).check(CheckRequest.newBuilder().setSessionId("conv-1").setCall(early)
        .setRecordIfAllowed(true).build());
    assertEquals(Verdict.DENY, denied.getDecision().getVerdict());
    assertEquals(List.of("authenticate_first"),
        denied.getDecision().getViolationsList().stream().map(Violation::getRule).toList());
    assertFalse(denied.getRecorded());

    ToolCall lookup = call("c1", "find_user_id_by_email", "{\"email\":\"yusuf.rossi7301@example.com\"}");
    CheckResponse ok = fresh(a).check(CheckRequest.newBuilder().setSessionId("conv-1").setCall(lookup)
        .setRecordIfAllowed(true).build());
    assertTrue(ok.getDecision().getAllowed());
    assertEquals(0, ok.getSeq());
    fresh(a).record(RecordRequest.newBuilder().setSessionId("conv-1")
        .addEvents(result("c1", "find_user_id_by_email", "\"yusuf_rossi_9620\"")).build());

    CheckResponse allowed = fresh(b).check(CheckRequest.newBuilder().setSessionId("conv-1").setCall(early)
        .setRecordIfAllowed(true).build());
    assertEquals(Verdict.ALLOW, allowed.getDecision().getVerdict(), allowed.toString());
    assertEquals(2, allowed.getSeq());
    assertEquals(3, fresh(a).getSession(GetSessionRequest.newBuilder().setSessionId("conv-1").build())
        .getSession().getLength());
  }

  /**
   * A whole conversation whose events alternate between the replicas: every decision is the one
   * the trace expects, including the final deny of modify_items_once, whose first modification
   * was recorded through the other replica.
   */
  @Test
  void aOnceOnlyActionRecordedThroughOneReplicaIsDeniedThroughTheOther() throws Exception {
    fresh(b).createSession(CreateSessionRequest.newBuilder().setSessionId("conv-2").setPolicy("retail").build());
    List<JsonNode> trace = new ArrayList<>();
    for (String line : Files.readAllLines(REPO.resolve("examples/retail/tests/deny_modify_items_twice.jsonl"))) {
      if (!line.isBlank()) {
        trace.add(MAPPER.readTree(line));
      }
    }
    int calls = 0;
    int firstModify = -1;
    int denied = -1;
    for (int i = 0; i < trace.size(); i++) {
      JsonNode line = trace.get(i);
      Replica via = i % 2 == 0 ? a : b;
      if (line.get("type").asText().equals("tool_call")) {
        ToolCall c = call(line.get("id").asText(), line.get("tool").asText(), line.get("args").toString());
        CheckResponse r = fresh(via).check(CheckRequest.newBuilder().setSessionId("conv-2").setCall(c)
            .setRecordIfAllowed(true).build());
        String expect = line.path("expect").asText("allow");
        assertEquals(expect.equals("allow") ? Verdict.ALLOW : Verdict.DENY, r.getDecision().getVerdict(),
            "line " + (i + 1) + " via " + (via == a ? "A" : "B") + ": " + r);
        if (expect.equals("deny")) {
          denied = i;
          assertTrue(r.getDecision().getViolationsList().stream().anyMatch(v -> v.getRule().equals("modify_items_once")
              && v.getReason().contains("only once")), r.toString());
        }
        if (c.getTool().equals("modify_pending_order_items") && firstModify < 0) {
          firstModify = i;
        }
        calls++;
      } else {
        fresh(via).record(RecordRequest.newBuilder().setSessionId("conv-2").addEvents(event(line)).build());
      }
    }
    assertEquals(6, calls);
    // the first modification (line 12, index 11) went through B, the denied second one (line 17,
    // index 16) through A
    assertEquals(11, firstModify);
    assertEquals(16, denied);
  }

  /** Concurrent checks of one session through both replicas: every recorded call gets its own, dense seq. */
  @Test
  void concurrentChecksThroughBothReplicasAreSerialized() throws Exception {
    fresh(a).createSession(CreateSessionRequest.newBuilder().setSessionId("conv-3").setPolicy("retail").build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<CheckResponse>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Replica via = i % 2 == 0 ? a : b;
        ToolCall c = call("p" + i, "get_product_details", "{\"product_id\":\"" + (8310926000L + i) + "\"}");
        futures.add(pool.submit(() -> fresh(via).check(CheckRequest.newBuilder().setSessionId("conv-3").setCall(c)
            .setRecordIfAllowed(true).build())));
      }
      List<Long> seqs = new ArrayList<>();
      for (Future<CheckResponse> f : futures) {
        CheckResponse r = f.get(60, TimeUnit.SECONDS);
        assertTrue(r.getRecorded(), r.toString());
        seqs.add(r.getSeq());
      }
      seqs.sort(null);
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i, seqs.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(20, fresh(b).getSession(GetSessionRequest.newBuilder().setSessionId("conv-3").build())
        .getSession().getLength());
  }

  private static ToolCall call(String id, String tool, String argsJson) {
    return ToolCall.newBuilder().setId(id).setTool(tool).setArgsJson(argsJson).build();
  }

  private static Event result(String id, String tool, String outputJson) {
    return Event.newBuilder().setToolResult(ToolResult.newBuilder().setId(id).setTool(tool).setOutputJson(outputJson)).build();
  }

  private static Event event(JsonNode line) {
    switch (line.get("type").asText()) {
      case "user_message":
        return Event.newBuilder().setUserMessage(UserMessage.newBuilder().setText(line.get("text").asText())).build();
      case "assistant_message":
        return Event.newBuilder().setAssistantMessage(AssistantMessage.newBuilder().setText(line.get("text").asText())).build();
      case "tool_result":
        return result(line.path("id").asText(""), line.get("tool").asText(), line.get("output").toString());
      default:
        throw new IllegalArgumentException("unexpected event " + line);
    }
  }

  private static Path findRepo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples/retail"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
