package io.vigil.guard.server;

import static io.vigil.guard.server.TestServer.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.store.MemoryEventStore;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.GetPolicyRequest;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.Mode;
import io.vigil.guard.v1.PolicyInfo;
import io.vigil.guard.v1.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload, shadow mode, the decision log, health checking and reflection. */
class OperationsTest {
  static final String V1 = """
      policy shop

      tool refund(order_id: string) -> json
      tool lookup(order_id: string) -> json

      rule lookup_first:
        before refund(o)
        require once lookup(o)
        because "look order {o} up before refunding it"
      """;
  static final String V2 = V1.replace("require once lookup(o)", "require true");
  static final String BROKEN = V1.replace("require once lookup(o)", "require once lookup(o, p, q)");

  @TempDir Path tmp;

  private static Decision refund(TestServer server, String session) {
    return server.stub.check(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("c", "refund", "{\"order_id\": \"#1\"}")).build()).getDecision();
  }

  @Test
  void aChangedPolicyIsUsedWithinTwoSecondsAndABrokenOneIsRejected() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Path file = dir.resolve("shop.vigil");
    Files.writeString(file, V1);
    try (TestServer server = TestServer.start(dir, CheckOutcome.Mode.ENFORCE, new MemoryEventStore(),
        DecisionLog.discard(), Duration.ofMillis(500))) {
      server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId("s").setPolicy("shop").build());
      Decision first = refund(server, "s");
      assertEquals(Verdict.DENY, first.getVerdict());
      String v1 = first.getPolicyVersion();

      Files.writeString(file, V2);
      long changed = System.nanoTime();
      Decision second = first;
      while (second.getPolicyVersion().equals(v1) && System.nanoTime() - changed < 5_000_000_000L) {
        Thread.sleep(50);
        second = refund(server, "s");
      }
      long millis = (System.nanoTime() - changed) / 1_000_000;
      assertTrue(millis < 2000, "the new version took " + millis + " ms");
      assertEquals(Verdict.ALLOW, second.getVerdict());
      String v2 = second.getPolicyVersion();
      assertNotEquals(v1, v2);

      Files.writeString(file, BROKEN);
      long broken = System.nanoTime();
      PolicyInfo info = server.stub.getPolicy(GetPolicyRequest.newBuilder().setName("shop").build());
      while (info.getRejectedDiagnosticsCount() == 0 && System.nanoTime() - broken < 5_000_000_000L) {
        Thread.sleep(50);
        info = server.stub.getPolicy(GetPolicyRequest.newBuilder().setName("shop").build());
      }
      assertTrue(info.getRejectedDiagnostics(0).contains("shop.vigil:"), info.getRejectedDiagnostics(0));
      assertEquals(v2, info.getVersion(), "the previous version stays active");
      Decision third = refund(server, "s");
      assertEquals(Verdict.ALLOW, third.getVerdict());
      assertEquals(v2, third.getPolicyVersion());
    }
  }

  /** A server over the V1 shop policy writing {@code decisions}, with session {@code session} created. */
  private TestServer withDecisionLog(CheckOutcome.Mode mode, DecisionLog decisions, String session) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(dir.resolve("shop.vigil"), V1);
    TestServer server = TestServer.start(dir, mode, new MemoryEventStore(), decisions, Duration.ZERO);
    server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId(session).setPolicy("shop").build());
    return server;
  }

  @Test
  void shadowModeLogsTheVerdictAndAllows() throws Exception {
    Path log = tmp.resolve("decisions.jsonl");
    try (TestServer server = withDecisionLog(CheckOutcome.Mode.SHADOW, DecisionLog.open(log.toString()), "s")) {
      Decision d = server.stub.check(CheckRequest.newBuilder().setSessionId("s")
          .setCall(call("c1", "refund", "{\"order_id\": \"#1\"}")).setRecordIfAllowed(true).build()).getDecision();
      assertTrue(d.getAllowed());
      assertEquals(Verdict.ALLOW, d.getVerdict());
      assertEquals(Verdict.DENY, d.getShadowVerdict());
      assertEquals(Mode.SHADOW, d.getMode());
      assertEquals("lookup_first", d.getViolations(0).getRule());
      assertEquals(1, server.stub.getSession(GetSessionRequest.newBuilder().setSessionId("s").build()).getSession().getLength(),
          "in shadow mode the call is recorded: the agent goes on to execute it");
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertEquals("s", line.get("session").asText());
    assertEquals("shadow", line.get("mode").asText());
    assertEquals("deny", line.get("decision").asText());
    assertTrue(line.get("allowed").asBoolean());
    assertEquals("lookup_first", line.get("rules").get(0).asText());
    assertEquals("look order #1 up before refunding it", line.get("reasons").get(0).asText());
    assertEquals("refund", line.get("call").get("tool").asText());
    assertEquals("#1", line.get("call").get("args").get("order_id").asText());
    assertEquals(12, line.get("policy_version").asText().length());
    assertTrue(line.has("time") && line.has("decision_id") && line.get("recorded").asBoolean());
  }

  @Test
  void aBufferedDecisionLogFlushesWithinItsIntervalAndOnClose() throws Exception {
    Path log = tmp.resolve("buffered.jsonl");
    try (TestServer server = withDecisionLog(CheckOutcome.Mode.ENFORCE,
        DecisionLog.open(log.toString(), Duration.ofMillis(50)), "b")) {
      assertEquals(Verdict.DENY, refund(server, "b").getVerdict());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (Files.readAllLines(log).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, Files.readAllLines(log).size(), "the line is flushed within the interval, not only on close");
      for (int i = 0; i < 200; i++) {
        refund(server, "b");
      }
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(201, lines.size(), "close flushes every buffered line");
    for (String line : lines) {
      JsonNode json = new ObjectMapper().readTree(line);
      assertEquals("deny", json.get("decision").asText(), line);
      assertEquals("lookup_first", json.get("violations").get(0).get("rule").asText(), line);
    }
  }

  @Test
  void healthAndReflection() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(dir.resolve("shop.vigil"), V1);
    try (TestServer server = TestServer.start(dir, CheckOutcome.Mode.ENFORCE)) {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(server.channel);
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService(GuardGrpc.SERVICE_NAME).build()).getStatus());

      CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.channel)
          .serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse value) {
              answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      Set<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
          .map(ServiceResponse::getName).collect(Collectors.toSet());
      requests.onCompleted();
      assertTrue(services.containsAll(Set.of("vigil.guard.v1.Guard", "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection")), services.toString());
      assertFalse(services.isEmpty());
    }
  }
}
