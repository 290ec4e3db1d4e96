package io.vigil.guard.server;

import static io.vigil.guard.server.TestServer.call;
import static io.vigil.guard.server.TestServer.callEvent;
import static io.vigil.guard.server.TestServer.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.v1.AllowedRequest;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GetPolicyRequest;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.SessionRequest;
import io.vigil.guard.v1.SessionResponse;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: the status code, the field named in the message, and nothing recorded. */
class BadInputTest {
  @TempDir static Path tmp;
  static TestServer server;
  static int counter;
  String session;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(TestServer.retailDir(tmp), CheckOutcome.Mode.ENFORCE);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void newSession() {
    session = server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId("bad-" + counter++)
        .setPolicy("retail").build()).getSessionId();
    server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(user("hello")).build());
  }

  private long length() {
    return server.stub.getSession(GetSessionRequest.newBuilder().setSessionId(session).build()).getSession().getLength();
  }

  private static void fails(Status.Code code, String fieldInMessage, Runnable rpc) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, rpc::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().startsWith(fieldInMessage + ": "),
        "expected the message to start with '" + fieldInMessage + ": ': " + e.getStatus().getDescription());
    assertTrue(!e.getStatus().getDescription().contains("\tat "), "no stack trace");
  }

  private void check(ToolCall call) {
    server.stub.check(CheckRequest.newBuilder().setSessionId(session).setCall(call).setRecordIfAllowed(true).build());
  }

  @Test
  void malformedArgumentJson() {
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json", () -> check(call("c", "find_user_id_by_email", "{\"email\": ")));
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json", () -> check(call("c", "find_user_id_by_email", "[1, 2]")));
    assertEquals(1, length());
  }

  @Test
  void unknownToolAndWrongArguments() {
    fails(Status.Code.INVALID_ARGUMENT, "call.tool", () -> check(call("c", "delete_everything", "{}")));
    fails(Status.Code.INVALID_ARGUMENT, "call.tool", () -> check(call("c", "", "{}")));
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json", () -> check(call("c", "find_user_id_by_email", "{\"email\": 42}")));
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json", () -> check(call("c", "find_user_id_by_email", "{}")));
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json",
        () -> check(call("c", "find_user_id_by_email", "{\"email\": \"a@b.c\", \"admin\": true}")));
    fails(Status.Code.INVALID_ARGUMENT, "call.args_json", () -> check(call("c", "return_delivered_order_items",
        "{\"order_id\": \"#W1\", \"item_ids\": \"123\", \"payment_method_id\": \"gift_card_1\"}")));
    fails(Status.Code.INVALID_ARGUMENT, "call",
        () -> server.stub.check(CheckRequest.newBuilder().setSessionId(session).build()));
    fails(Status.Code.INVALID_ARGUMENT, "time", () -> server.stub.check(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("c", "list_all_product_types", "{}")).setTime("yesterday").build()));
    assertEquals(1, length());
  }

  @Test
  void aBadEventRejectsTheWholeRecord() {
    Event good = callEvent("c1", "list_all_product_types", "{}");
    Event noOutcome = Event.newBuilder().setToolResult(ToolResult.newBuilder().setId("c1").setTool("list_all_product_types")).build();
    fails(Status.Code.INVALID_ARGUMENT, "events[1].tool_result.outcome",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(good).addEvents(noOutcome).build()));
    Event badOutput = Event.newBuilder().setToolResult(ToolResult.newBuilder().setTool("list_all_product_types")
        .setOutputJson("{oops")).build();
    fails(Status.Code.INVALID_ARGUMENT, "events[2].tool_result.output_json",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(good).addEvents(good).addEvents(badOutput).build()));
    fails(Status.Code.INVALID_ARGUMENT, "events[0].tool_call.tool",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(callEvent("c", "nope", "{}")).build()));
    fails(Status.Code.INVALID_ARGUMENT, "events[1]",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(good).addEvents(Event.getDefaultInstance()).build()));
    fails(Status.Code.INVALID_ARGUMENT, "events[0].time",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(user("x").toBuilder().setTime("2024-13-45")).build()));
    assertEquals(1, length());
  }

  @Test
  void oversizedRequests() {
    String huge = "x".repeat(5 << 20);
    fails(Status.Code.INVALID_ARGUMENT, "events",
        () -> server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(user(huge)).build()));
    fails(Status.Code.INVALID_ARGUMENT, "call",
        () -> check(call("c", "think", "{\"thought\": \"" + huge + "\"}")));
    RecordRequest.Builder many = RecordRequest.newBuilder().setSessionId(session);
    for (int i = 0; i < 1001; i++) {
      many.addEvents(user("m" + i));
    }
    fails(Status.Code.INVALID_ARGUMENT, "events", () -> server.stub.record(many.build()));
    assertEquals(1, length());
  }

  @Test
  void unknownSessionOrPolicy() {
    fails(Status.Code.NOT_FOUND, "session_id", () -> server.stub.check(CheckRequest.newBuilder().setSessionId("no-such-session")
        .setCall(call("c", "list_all_product_types", "{}")).build()));
    fails(Status.Code.NOT_FOUND, "session_id", () -> server.stub.record(RecordRequest.newBuilder().setSessionId("../etc/passwd")
        .addEvents(user("x")).build()));
    fails(Status.Code.INVALID_ARGUMENT, "session_id", () -> server.stub.allowed(AllowedRequest.getDefaultInstance()));
    fails(Status.Code.NOT_FOUND, "policy", () -> server.stub.createSession(CreateSessionRequest.newBuilder().setPolicy("bank").build()));
    fails(Status.Code.NOT_FOUND, "name", () -> server.stub.getPolicy(GetPolicyRequest.newBuilder().setName("bank").build()));
    fails(Status.Code.INVALID_ARGUMENT, "session_id", () -> server.stub.createSession(CreateSessionRequest.newBuilder()
        .setSessionId("../escape").setPolicy("retail").build()));
    fails(Status.Code.ALREADY_EXISTS, "session_id", () -> server.stub.createSession(CreateSessionRequest.newBuilder()
        .setSessionId(session).setPolicy("retail").build()));
    fails(Status.Code.INVALID_ARGUMENT, "tools[1]", () -> server.stub.allowed(AllowedRequest.newBuilder().setSessionId(session)
        .addTools("think").addTools("nope").build()));
  }

  @Test
  void anExpiredDeadlineRecordsNothing() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.stub.withDeadlineAfter(1, TimeUnit.NANOSECONDS)
        .record(RecordRequest.newBuilder().setSessionId(session).addEvents(user("late")).build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertEquals(1, length());
  }

  @Test
  void theStreamAnswersABadRequestWithAnErrorAndGoesOn() throws Exception {
    CollectingObserver<SessionResponse> answers = new CollectingObserver<>();
    List<SessionResponse> responses = answers.responses;
    CompletableFuture<Void> done = answers.done;
    StreamObserver<SessionRequest> requests = GuardGrpc.newStub(server.channel).session(answers);
    requests.onNext(SessionRequest.newBuilder().setRequestId("a").setCheck(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("c", "find_user_id_by_email", "{\"email\": 1}"))).build());
    requests.onNext(SessionRequest.newBuilder().setRequestId("b").build());
    requests.onNext(SessionRequest.newBuilder().setRequestId("c").setCheck(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("c", "list_all_product_types", "{}"))).build());
    requests.onCompleted();
    done.get(30, TimeUnit.SECONDS);
    assertEquals(3, responses.size());
    assertEquals("INVALID_ARGUMENT", responses.get(0).getError().getCode());
    assertEquals("check.call.args_json", responses.get(0).getError().getField());
    assertEquals("op", responses.get(1).getError().getField());
    assertTrue(responses.get(2).getCheck().getDecision().getAllowed());
  }

}
