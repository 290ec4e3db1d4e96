package io.vigil.guard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.dsl.PolicyLoader;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.trace.TraceReader;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GetSessionResponse;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.RecordResponse;
import io.vigil.guard.v1.RecordedEvent;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil serve} as a separate OS process on the embedded store: clients record events, the
 * process is killed with SIGKILL, restarted on the same store, and every acknowledged event is
 * there; decisions after the restart match a replay of the stored history.
 */
class DurabilityTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("vigil serve: listening on ([0-9.]+):(\\d+)");

  @TempDir Path tmp;

  /** A running {@code vigil serve} process and a channel to it. */
  private record Serve(Process process, ManagedChannel channel, GuardGrpc.GuardBlockingStub stub, Path stderr) {}

  private Serve serve(Path policies, Path store, String name) throws Exception {
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.vigil.guard.cli.VigilCommand", "serve", "--policies", policies.toString(), "--store", "file:" + store,
        "--port", "0", "--decision-log", tmp.resolve("decisions.jsonl").toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = READY.matcher(Files.exists(out) ? Files.readString(out) : "");
      if (m.find()) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(m.group(1), Integer.parseInt(m.group(2))).usePlaintext().build();
        return new Serve(process, channel, GuardGrpc.newBlockingStub(channel), err);
      }
      if (!process.isAlive()) {
        throw new AssertionError("vigil serve exited " + process.exitValue() + ": " + Files.readString(err));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new AssertionError("vigil serve did not get ready: " + Files.readString(err));
  }

  /** An acknowledged event: where the server said it put it. */
  private record Acked(long seq, Event event) {}

  @Test
  void everyAcknowledgedEventSurvivesKillDashNine() throws Exception {
    Path policies = TestServer.retailDir(tmp);
    Path store = tmp.resolve("store");
    List<Conversations.Line> conversation = Conversations.read(Conversations.retailTrace("ok_cancel_pending_order_full"));

    Serve first = serve(policies, store, "first");
    Map<String, List<Acked>> acked = new ConcurrentHashMap<>();
    AtomicInteger acks = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int client = t;
      Thread thread = new Thread(() -> {
        try {
          for (int k = 0; ; k++) {
            String session = "c" + client + "-" + k;
            first.stub().createSession(CreateSessionRequest.newBuilder().setSessionId(session).setPolicy("retail").build());
            List<Acked> mine = acked.computeIfAbsent(session, s -> java.util.Collections.synchronizedList(new ArrayList<>()));
            for (Conversations.Line line : conversation) {
              if (line.isCall()) {
                CheckResponse r = first.stub().check(CheckRequest.newBuilder().setSessionId(session)
                    .setCall(line.event().getToolCall()).setRecordIfAllowed(true).build());
                assertTrue(r.getRecorded(), r.toString());
                mine.add(new Acked(r.getSeq(), line.event()));
              } else {
                RecordResponse r = first.stub().record(RecordRequest.newBuilder().setSessionId(session).addEvents(line.event()).build());
                mine.add(new Acked(r.getSeqs(0), line.event()));
              }
              acks.incrementAndGet();
            }
          }
        } catch (io.grpc.StatusRuntimeException e) {
          // the server was killed
        }
      });
      thread.start();
      clients.add(thread);
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acks.get() < 300 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    first.process().destroyForcibly(); // SIGKILL on Linux
    first.process().waitFor(30, TimeUnit.SECONDS);
    for (Thread thread : clients) {
      thread.join(30_000);
    }
    first.channel().shutdownNow();
    assertTrue(acks.get() >= 300, "acknowledged only " + acks.get());

    Serve second = serve(policies, store, "second");
    try {
      PolicyDecider decider = new PolicyDecider(PolicyLoader.load(TestServer.RETAIL).policy(), "replay");
      int checked = 0;
      int sessionsDecided = 0;
      for (Map.Entry<String, List<Acked>> session : acked.entrySet()) {
        GetSessionResponse stored = second.stub().getSession(GetSessionRequest.newBuilder()
            .setSessionId(session.getKey()).setIncludeEvents(true).build());
        for (Acked a : List.copyOf(session.getValue())) {
          assertTrue(a.seq() < stored.getEventsCount(), session.getKey() + ": event " + a.seq() + " lost");
          assertSame(a.event(), stored.getEvents((int) a.seq()).getEvent(), session.getKey() + " event " + a.seq());
        }
        // decisions go on as before: each candidate as a replay of the stored history decides it
        if (sessionsDecided++ >= 8) {
          continue;
        }
        for (ToolCall candidate : candidates(conversation, stored.getEventsCount())) {
          String time = Instant.now().toString();
          Decision live = second.stub().check(CheckRequest.newBuilder().setSessionId(session.getKey())
              .setCall(candidate).setTime(time).build()).getDecision();
          Replayer.Step replayed = replayLast(decider, stored.getEventsList(), candidate, time);
          assertEquals(replayed.decision().allowed(), live.getAllowed(), session.getKey() + " " + candidate);
          assertEquals(replayed.decision().rules(), live.getViolationsList().stream().map(v -> v.getRule()).toList());
          assertTrue(live.getVerdict() != Verdict.ERROR, live.getError());
          checked++;
        }
      }
      assertTrue(checked > 0);
      // the sessions go on: the next record lands after the last stored event
      String any = acked.keySet().iterator().next();
      long length = second.stub().getSession(GetSessionRequest.newBuilder().setSessionId(any).build()).getSession().getLength();
      RecordResponse more = second.stub().record(RecordRequest.newBuilder().setSessionId(any)
          .addEvents(TestServer.user("still there?")).build());
      assertEquals(length, more.getSeqs(0));
    } finally {
      second.channel().shutdownNow();
      second.process().destroy(); // SIGTERM: graceful
      assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "vigil serve did not stop on SIGTERM");
    }
    String err = Files.readString(second.stderr());
    assertTrue(!err.contains("Exception"), err);
  }

  /** The next call of the conversation after {@code length} events, plus two fixed probes. */
  private static List<ToolCall> candidates(List<Conversations.Line> conversation, int length) {
    List<ToolCall> out = new ArrayList<>();
    for (int i = length; i < conversation.size(); i++) {
      if (conversation.get(i).isCall()) {
        out.add(conversation.get(i).event().getToolCall());
        break;
      }
    }
    out.add(TestServer.call("p1", "get_order_details", "{\"order_id\": \"#W2611340\"}"));
    out.add(TestServer.call("p2", "cancel_pending_order", "{\"order_id\": \"#W2611340\", \"reason\": \"no longer needed\"}"));
    return out;
  }

  private static Replayer.Step replayLast(PolicyDecider decider, List<RecordedEvent> events, ToolCall candidate, String time)
      throws IOException {
    StringBuilder trace = new StringBuilder();
    for (RecordedEvent e : events) {
      trace.append(json(e.getEvent())).append('\n');
    }
    ObjectNode call = json(Event.newBuilder().setToolCall(candidate).setTime(time).build());
    trace.append(call).append('\n');
    List<Replayer.Step> steps = Replayer.replay(decider, TraceReader.parse(trace.toString(), "stored"), PolicyDecider.Engine.FAST);
    return steps.get(steps.size() - 1);
  }

  /** A proto event as a trace line. */
  private static ObjectNode json(Event e) throws IOException {
    ObjectNode node = MAPPER.createObjectNode();
    if (e.hasUserMessage()) {
      node.put("type", "user_message").put("text", e.getUserMessage().getText());
    } else if (e.hasAssistantMessage()) {
      node.put("type", "assistant_message").put("text", e.getAssistantMessage().getText());
    } else if (e.hasToolCall()) {
      node.put("type", "tool_call").put("id", e.getToolCall().getId()).put("tool", e.getToolCall().getTool());
      node.set("args", MAPPER.readTree(e.getToolCall().getArgsJson()));
    } else {
      node.put("type", "tool_result").put("id", e.getToolResult().getId()).put("tool", e.getToolResult().getTool());
      if (e.getToolResult().hasError()) {
        node.put("error", e.getToolResult().getError());
      } else {
        node.set("output", MAPPER.readTree(e.getToolResult().getOutputJson()));
      }
    }
    if (!e.getTime().isEmpty()) {
      node.put("time", e.getTime());
    }
    return node;
  }

  /** The same event, JSON texts compared as JSON, the stamped time ignored. */
  private static void assertSame(Event expected, Event actual, String what) throws IOException {
    JsonNode a = json(expected);
    ObjectNode b = json(actual);
    b.remove("time");
    assertEquals(a, b, what);
  }
}
