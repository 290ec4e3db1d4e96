package io.vigil.guard.server;

import static io.vigil.guard.server.TestServer.call;
import static io.vigil.guard.server.TestServer.callEvent;
import static io.vigil.guard.server.TestServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.GetSessionRequest;
import io.grpc.stub.StreamObserver;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.SessionRequest;
import io.vigil.guard.v1.SessionResponse;
import io.vigil.guard.v1.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check is answered on the transport thread when it can finish at once, and on a worker when
 * it cannot (a deny that gets Z3 alternatives, a busy session): both paths answer the same, and
 * a Session stream still answers in order.
 */
class CheckPathsTest {
  static final String SHOP = """
      policy shop

      tool refund(order_id: string) -> json
      tool lookup(order_id: string) -> json

      rule lookup_first:
        before refund(o)
        require once ok lookup(o)
        because "look order {o} up before refunding it"
      """;

  @TempDir Path tmp;

  private TestServer start() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(dir.resolve("shop.vigil"), SHOP);
    return TestServer.start(dir, CheckOutcome.Mode.ENFORCE);
  }

  private static void session(TestServer server, String id, int lookups) {
    server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId(id).setPolicy("shop").build());
    RecordRequest.Builder record = RecordRequest.newBuilder().setSessionId(id);
    for (int i = 0; i < lookups; i++) {
      record.addEvents(callEvent("l" + i, "lookup", "{\"order_id\": \"#" + i + "\"}"));
      record.addEvents(result("l" + i, "lookup", "{\"status\": \"delivered\"}"));
    }
    server.stub.record(record.build());
  }

  private static Decision refund(TestServer server, String session, String order) {
    return server.stub.check(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("r", "refund", "{\"order_id\": \"" + order + "\"}")).build()).getDecision();
  }

  @Test
  void aDenyOnAShortSessionComesBackWithAlternativesFromZ3() throws Exception {
    try (TestServer server = start()) {
      session(server, "short", 2);
      Decision allowed = refund(server, "short", "#1");
      assertEquals(Verdict.ALLOW, allowed.getVerdict());
      Decision denied = refund(server, "short", "#7");
      assertEquals(Verdict.DENY, denied.getVerdict());
      assertEquals("lookup_first", denied.getViolations(0).getRule());
      assertEquals(Set.of("\"#0\"", "\"#1\""), new HashSet<>(denied.getAlternativesOrThrow("order_id").getValuesJsonList()));
    }
  }

  @Test
  void aDenyOnALongSessionIsAnsweredWithoutAlternatives() throws Exception {
    try (TestServer server = start()) {
      session(server, "long", GuardServer.DEFAULT_ALTERNATIVES_MAX_EVENTS); // two events per lookup
      Decision denied = refund(server, "long", "#x");
      assertEquals(Verdict.DENY, denied.getVerdict());
      assertEquals("look order #x up before refunding it", denied.getViolations(0).getReason());
      assertTrue(denied.getAlternativesMap().isEmpty());
      assertEquals(Verdict.ALLOW, refund(server, "long", "#3").getVerdict());
    }
  }

  @Test
  void aStreamAnswersInOrderAndACheckSeesTheRecordSentBeforeIt() throws Exception {
    try (TestServer server = start()) {
      session(server, "stream", 1);
      CollectingObserver<SessionResponse> answers = new CollectingObserver<>();
      StreamObserver<SessionRequest> requests = GuardGrpc.newStub(server.channel).session(answers);
      int rounds = 50;
      for (int i = 0; i < rounds; i++) {
        String order = "#s" + i;
        // a record (answered by a worker), then at once a check that needs it, then one that does not
        requests.onNext(SessionRequest.newBuilder().setRequestId("r" + i).setRecord(RecordRequest.newBuilder()
            .setSessionId("stream").addEvents(callEvent("l" + i, "lookup", "{\"order_id\": \"" + order + "\"}"))
            .addEvents(result("l" + i, "lookup", "{}"))).build());
        requests.onNext(SessionRequest.newBuilder().setRequestId("c" + i).setCheck(CheckRequest.newBuilder()
            .setSessionId("stream").setCall(call("x", "refund", "{\"order_id\": \"" + order + "\"}"))).build());
        requests.onNext(SessionRequest.newBuilder().setRequestId("n" + i).setCheck(CheckRequest.newBuilder()
            .setSessionId("stream").setCall(call("y", "refund", "{\"order_id\": \"#0\"}"))).build());
      }
      requests.onCompleted();
      answers.done.get(30, java.util.concurrent.TimeUnit.SECONDS);
      List<SessionResponse> got = answers.responses;
      assertEquals(3 * rounds, got.size());
      for (int i = 0; i < rounds; i++) {
        assertEquals("r" + i, got.get(3 * i).getRequestId(), "answers come in request order");
        assertEquals("c" + i, got.get(3 * i + 1).getRequestId());
        assertEquals("n" + i, got.get(3 * i + 2).getRequestId());
        assertEquals(Verdict.ALLOW, got.get(3 * i + 1).getCheck().getDecision().getVerdict(),
            "the check of round " + i + " saw the lookup recorded just before it");
        assertEquals(Verdict.ALLOW, got.get(3 * i + 2).getCheck().getDecision().getVerdict());
      }
    }
  }

  @Test
  void concurrentRecordingChecksOfOneSessionGetDenseSequenceNumbers() throws Exception {
    try (TestServer server = start()) {
      session(server, "busy", 1);
      ExecutorService clients = Executors.newFixedThreadPool(8);
      try {
        List<Future<CheckResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String order = i % 5 == 0 ? "#9" : "#0"; // every fifth is denied
          answers.add(clients.submit(() -> server.stub.check(CheckRequest.newBuilder().setSessionId("busy")
              .setCall(call("r", "refund", "{\"order_id\": \"" + order + "\"}")).setRecordIfAllowed(true).build())));
        }
        Set<Long> seqs = new HashSet<>();
        int denied = 0;
        for (Future<CheckResponse> f : answers) {
          CheckResponse r = f.get();
          if (r.getDecision().getAllowed()) {
            assertTrue(r.getRecorded());
            assertTrue(seqs.add(r.getSeq()), "sequence number " + r.getSeq() + " given twice");
          } else {
            assertFalse(r.getRecorded());
            denied++;
          }
        }
        assertEquals(40, denied);
        long length = server.stub.getSession(GetSessionRequest.newBuilder().setSessionId("busy").build())
            .getSession().getLength();
        assertEquals(2 + 160, length);
        for (long seq = 2; seq < length; seq++) {
          assertTrue(seqs.contains(seq), "no check was given sequence number " + seq);
        }
      } finally {
        clients.shutdownNow();
      }
    }
  }
}
