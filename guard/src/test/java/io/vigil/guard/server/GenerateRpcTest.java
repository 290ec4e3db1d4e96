package io.vigil.guard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vigil.guard.generate.GenerateHandler;
import io.vigil.guard.generate.ModelRuntime;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.GenerateEvent;
import io.vigil.guard.v1.GenerateRequest;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.Sampling;
import io.vigil.guard.v1.ToolCall;
import io.vigil.llm.decode.DecoderOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Generate RPC of a real sidecar with a random-weight reference model over o200k: every tool
 * call it streams is one that Check then allows in the same session; errors name their field.
 */
class GenerateRpcTest {
  private static ModelRuntime runtime;
  private static TestServer server;

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    runtime = ModelRuntime.random(11);
    server = TestServer.startGenerating(TestServer.retailDir(tmp), new GenerateHandler(runtime, DecoderOptions.defaults()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    runtime.close();
  }

  private static void session(String id) {
    server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId(id).setPolicy("retail").build());
  }

  private static List<GenerateEvent> generate(String session, long seed, String toolChoice) {
    List<GenerateEvent> events = new ArrayList<>();
    Iterator<GenerateEvent> stream = server.stub.generate(GenerateRequest.newBuilder().setSessionId(session)
        .setToolChoice(toolChoice)
        .setSampling(Sampling.newBuilder().setTemperature(1.0).setSeed(seed).setMaxTokens(48))
        .build());
    stream.forEachRemaining(events::add);
    return events;
  }

  private static Decision check(String session, ToolCall call) {
    return server.stub.check(CheckRequest.newBuilder().setSessionId(session).setCall(call).build()).getDecision();
  }

  @Test
  void everyStreamedCallIsAllowedByCheckBeforeAndAfterAuthentication() {
    session("gen-1");
    server.stub.record(RecordRequest.newBuilder().setSessionId("gen-1")
        .addEvents(TestServer.user("Hi, where is my order #W2378156? My email is yusuf.rossi@example.com")).build());
    int calls = 0;
    for (long seed = 0; seed < 4; seed++) {
      List<GenerateEvent> events = generate("gen-1", seed, "required");
      GenerateEvent last = events.get(events.size() - 1);
      assertTrue(last.hasDone(), events.toString());
      assertEquals("retail", last.getDone().getPolicy());
      for (GenerateEvent e : events) {
        if (e.hasToolCall()) {
          calls++;
          Decision d = check("gen-1", e.getToolCall());
          assertTrue(d.getAllowed(), "generated " + e.getToolCall() + " but Check says " + d);
          assertTrue(!e.getToolCall().getTool().equals("get_order_details"), "read an order before authentication");
        }
      }
    }
    assertTrue(calls > 0, "tool_choice required produced no call in 4 seeds");

    server.stub.record(RecordRequest.newBuilder().setSessionId("gen-1")
        .addEvents(TestServer.callEvent("c1", "find_user_id_by_email", "{\"email\": \"yusuf.rossi@example.com\"}"))
        .addEvents(TestServer.result("c1", "find_user_id_by_email", "\"yusuf_rossi_9620\""))
        .build());
    for (long seed = 0; seed < 3; seed++) {
      for (GenerateEvent e : generate("gen-1", seed, "required")) {
        if (e.hasToolCall()) {
          assertTrue(check("gen-1", e.getToolCall()).getAllowed(), e.toString());
        }
      }
    }
  }

  @Test
  void badRequestsNameTheirField() {
    session("gen-2");
    StatusRuntimeException choice = assertThrows(StatusRuntimeException.class, () -> generate("gen-2", 0, "always"));
    assertEquals(Status.Code.INVALID_ARGUMENT, choice.getStatus().getCode());
    assertTrue(choice.getStatus().getDescription().contains("tool_choice"), choice.getStatus().toString());
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> generate("no-such-session", 0, ""));
    assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    StatusRuntimeException tools = assertThrows(StatusRuntimeException.class, () -> server.stub.generate(
        GenerateRequest.newBuilder().setSessionId("gen-2").setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"drop_tables\"}}]")
            .build()).forEachRemaining(e -> { }));
    assertEquals(Status.Code.INVALID_ARGUMENT, tools.getStatus().getCode());
    assertTrue(tools.getStatus().getDescription().contains("drop_tables"), tools.getStatus().toString());
  }

  @Test
  void aSidecarWithoutAModelSaysSo(@TempDir Path tmp) throws Exception {
    try (TestServer plain = TestServer.start(TestServer.retailDir(tmp), CheckOutcome.Mode.ENFORCE)) {
      plain.stub.createSession(CreateSessionRequest.newBuilder().setSessionId("s").setPolicy("retail").build());
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> plain.stub.generate(GenerateRequest.newBuilder().setSessionId("s").build()).forEachRemaining(x -> { }));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("--model"), e.getStatus().toString());
    }
  }
}
