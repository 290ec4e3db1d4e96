package io.vigil.guard.server;

import static io.vigil.guard.server.TestServer.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.store.FileEventStore;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls within a session are serialized; sessions are independent. Also: engine errors are ERROR. */
class ConcurrencyTest {
  static final String ONCE = """
      policy refunds

      tool refund(order_id: string, amount: number) -> json
      tool echo(text: string) -> json

      rule refund_once_per_order:
        before refund(o, _)
        require not once refund(o, _)
        because "order {o} can be refunded only once"

      rule no_deep_patterns:
        before echo(t)
        require not (t matches /^(a|b)*c/)
      """;

  @TempDir Path tmp;

  @Test
  void onlyOneOfManyConcurrentChecksPassesAOncePerOrderRule() throws Exception {
    Path policies = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(policies.resolve("once.vigil"), ONCE);
    int sessions = 4;
    int perSession = 12;
    try (TestServer server = TestServer.start(policies, CheckOutcome.Mode.ENFORCE, FileEventStore.open(tmp.resolve("store")),
        DecisionLog.discard(), Duration.ZERO)) {
      for (int s = 0; s < sessions; s++) {
        server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId("s" + s).setPolicy("refunds").build());
      }
      ExecutorService pool = Executors.newFixedThreadPool(sessions * perSession);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CheckResponse>> futures = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        for (int i = 0; i < perSession; i++) {
          String session = "s" + s;
          int n = i;
          futures.add(pool.submit(() -> {
            go.await();
            return server.stub.check(CheckRequest.newBuilder().setSessionId(session)
                .setCall(call("c" + n, "refund", "{\"order_id\": \"#W1\", \"amount\": " + (10 + n) + "}"))
                .setRecordIfAllowed(true).build());
          }));
        }
      }
      go.countDown();
      int[] allowed = new int[sessions];
      for (int k = 0; k < futures.size(); k++) {
        Decision d = futures.get(k).get().getDecision();
        if (d.getAllowed()) {
          allowed[k / perSession]++;
        } else {
          assertEquals("refund_once_per_order", d.getViolations(0).getRule());
        }
      }
      pool.shutdown();
      for (int s = 0; s < sessions; s++) {
        assertEquals(1, allowed[s], "session s" + s);
        assertEquals(1, server.stub.getSession(GetSessionRequest.newBuilder().setSessionId("s" + s).build()).getSession().getLength());
      }
    }
  }

  @Test
  void anEngineErrorDeniesAsErrorNotAsAPolicyDeny() throws Exception {
    Path policies = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(policies.resolve("once.vigil"), ONCE);
    try (TestServer server = TestServer.start(policies, CheckOutcome.Mode.ENFORCE)) {
      server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId("e").setPolicy("refunds").build());
      // java.util.regex recurses per repetition of the group: a long subject overflows the stack
      String deep = "ab".repeat(200_000);
      CheckResponse response = server.stub.check(CheckRequest.newBuilder().setSessionId("e")
          .setCall(call("c", "echo", "{\"text\": \"" + deep + "\"}")).setRecordIfAllowed(true).build());
      Decision d = response.getDecision();
      assertEquals(Verdict.ERROR, d.getVerdict(), d.getError());
      assertTrue(!d.getAllowed() && !d.getError().isEmpty() && d.getViolationsCount() == 0, d.getError());
      assertTrue(!response.getRecorded());
      Decision fine = server.stub.check(CheckRequest.newBuilder().setSessionId("e")
          .setCall(call("c", "echo", "{\"text\": \"abc\"}")).build()).getDecision();
      assertEquals(Verdict.DENY, fine.getVerdict());
    }
  }
}
