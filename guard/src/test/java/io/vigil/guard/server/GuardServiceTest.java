package io.vigil.guard.server;

import static io.vigil.guard.server.TestServer.call;
import static io.vigil.guard.server.TestServer.callEvent;
import static io.vigil.guard.server.TestServer.result;
import static io.vigil.guard.server.TestServer.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.v1.AllowedRequest;
import io.vigil.guard.v1.AllowedResponse;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Decision;
import io.vigil.guard.v1.GetPolicyRequest;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GetSessionResponse;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.ListPoliciesRequest;
import io.vigil.guard.v1.Mode;
import io.vigil.guard.v1.PolicyInfo;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.RecordResponse;
import io.vigil.guard.v1.SessionRequest;
import io.vigil.guard.v1.SessionResponse;
import io.vigil.guard.v1.ToolAllowance;
import io.vigil.guard.v1.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check, Record, the Session stream, Allowed, sessions and policies, on the retail policy. */
class GuardServiceTest {
  @TempDir static Path tmp;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(TestServer.retailDir(tmp), CheckOutcome.Mode.ENFORCE);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String newSession(String id) {
    return server.stub.createSession(CreateSessionRequest.newBuilder().setSessionId(id).setPolicy("retail")
        .putLabels("test", "GuardServiceTest").build()).getSessionId();
  }

  @Test
  void aCompliantConversationIsAllowedCallByCall() throws Exception {
    String session = newSession("compliant");
    int recorded = 0;
    for (Conversations.Line line : Conversations.read(Conversations.retailTrace("ok_cancel_pending_order_full"))) {
      if (line.isCall()) {
        CheckResponse response = server.stub.check(CheckRequest.newBuilder().setSessionId(session)
            .setCall(line.event().getToolCall()).setRecordIfAllowed(true).build());
        Decision d = response.getDecision();
        assertTrue(d.getAllowed(), () -> line.event().getToolCall().getTool() + ": " + d);
        assertEquals(Verdict.ALLOW, d.getVerdict());
        assertEquals(Mode.ENFORCE, d.getMode());
        assertEquals("retail", d.getPolicy());
        assertEquals(server.policies.get("retail").orElseThrow().version(), d.getPolicyVersion());
        assertTrue(response.getRecorded());
        assertEquals(recorded, response.getSeq());
      } else {
        RecordResponse r = server.stub.record(RecordRequest.newBuilder().setSessionId(session).addEvents(line.event()).build());
        assertEquals(List.of((long) recorded), r.getSeqsList());
      }
      recorded++;
    }
    GetSessionResponse history = server.stub.getSession(GetSessionRequest.newBuilder().setSessionId(session)
        .setIncludeEvents(true).build());
    assertEquals(recorded, history.getSession().getLength());
    assertEquals(recorded, history.getEventsCount());
    assertEquals("cancel_pending_order", history.getEvents(13).getEvent().getToolCall().getTool());
    assertEquals("GuardServiceTest", history.getSession().getLabelsMap().get("test"));
  }

  @Test
  void readingAnOrderBeforeAuthenticationIsDenied() {
    String session = newSession("unauthenticated");
    server.stub.record(RecordRequest.newBuilder().setSessionId(session)
        .addEvents(user("Hi, what's the status of my order #W2611340?")).build());
    CheckResponse response = server.stub.check(CheckRequest.newBuilder().setSessionId(session)
        .setCall(call("call_1", "get_order_details", "{\"order_id\": \"#W2611340\"}")).setRecordIfAllowed(true).build());
    Decision d = response.getDecision();
    assertFalse(d.getAllowed());
    assertEquals(Verdict.DENY, d.getVerdict());
    assertEquals("authenticate_first", d.getViolations(0).getRule());
    assertTrue(d.getViolations(0).getReason().startsWith("authenticate the user first"), d.getViolations(0).getReason());
    assertTrue(d.getViolations(0).getWitnessesList().contains(1L), "the candidate is witness 1: " + d);
    assertFalse(response.getRecorded());
    assertEquals(1, server.stub.getSession(GetSessionRequest.newBuilder().setSessionId(session).build()).getSession().getLength());
  }

  @Test
  void theSessionStreamPlaysAConversationAndAnswersInOrder() throws Exception {
    String session = newSession("streamed");
    List<Conversations.Line> lines = Conversations.read(Conversations.retailTrace("deny_modify_items_twice"));
    CollectingObserver<SessionResponse> answers = new CollectingObserver<>();
    List<SessionResponse> responses = answers.responses;
    CompletableFuture<Void> done = answers.done;
    StreamObserver<SessionRequest> requests = GuardGrpc.newStub(server.channel).session(answers);
    for (int i = 0; i < lines.size(); i++) {
      Conversations.Line line = lines.get(i);
      SessionRequest.Builder request = SessionRequest.newBuilder().setRequestId("r" + i);
      if (line.isCall()) {
        request.setCheck(CheckRequest.newBuilder().setSessionId(session).setCall(line.event().getToolCall())
            .setRecordIfAllowed(true));
      } else {
        request.setRecord(RecordRequest.newBuilder().setSessionId(session).addEvents(line.event()));
      }
      requests.onNext(request.build());
    }
    requests.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    assertEquals(lines.size(), responses.size());
    for (int i = 0; i < lines.size(); i++) {
      SessionResponse response = responses.get(i);
      assertEquals("r" + i, response.getRequestId());
      if (lines.get(i).isCall()) {
        Decision d = response.getCheck().getDecision();
        assertEquals(lines.get(i).expect().equals("allow"), d.getAllowed(), "line " + (i + 1) + ": " + d);
        if (!d.getAllowed()) {
          assertTrue(d.getViolationsList().stream().anyMatch(v -> v.getRule().equals("modify_items_once")), d.toString());
        }
      } else {
        assertTrue(response.hasRecord(), response.toString());
      }
    }
  }

  @Test
  void allowedSaysWhatIsAllowedNow() {
    String session = newSession("allowed");
    AllowedResponse before = server.stub.allowed(AllowedRequest.newBuilder().setSessionId(session).build());
    assertEquals(16, before.getToolsCount());
    ToolAllowance read = tool(before, "get_order_details");
    assertFalse(read.getAllowed());
    assertTrue(read.getBlockingRulesList().contains("authenticate_first"), read.toString());
    assertTrue(tool(before, "find_user_id_by_email").getAllowed());

    server.stub.record(RecordRequest.newBuilder().setSessionId(session)
        .addEvents(user("I am yusuf.rossi7301@example.com"))
        .addEvents(callEvent("c1", "find_user_id_by_email", "{\"email\":\"yusuf.rossi7301@example.com\"}"))
        .addEvents(result("c1", "find_user_id_by_email", "\"yusuf_rossi_9620\""))
        .build());
    AllowedResponse after = server.stub.allowed(AllowedRequest.newBuilder().setSessionId(session)
        .addTools("get_user_details").setIncludeConstraints(true).build());
    ToolAllowance profile = after.getTools(0);
    assertTrue(profile.getAllowed(), profile.toString());
    // only the authenticated user's profile: the one value seen in the session that is allowed
    assertEquals("user_id", profile.getConstraints(0).getParam());
    assertEquals(List.of("\"yusuf_rossi_9620\""), profile.getConstraints(0).getAllowedValuesJsonList());
  }

  @Test
  void argumentNumbersAreKeptExactly() {
    String session = newSession("numbers");
    server.stub.record(RecordRequest.newBuilder().setSessionId(session)
        .addEvents(callEvent("c1", "calculate", "{\"expression\":\"1.10 + 2\"}"))
        .addEvents(result("c1", "calculate", "{\"value\": 3.10, \"big\": 12345678901234567890.000000001}"))
        .build());
    GetSessionResponse history = server.stub.getSession(GetSessionRequest.newBuilder().setSessionId(session)
        .setIncludeEvents(true).setFromSeq(1).build());
    assertEquals(1, history.getEventsCount());
    assertEquals(1, history.getEvents(0).getSeq());
    assertEquals("{\"value\":3.10,\"big\":12345678901234567890.000000001}",
        history.getEvents(0).getEvent().getToolResult().getOutputJson());
    assertFalse(history.getEvents(0).getEvent().getTime().isEmpty(), "the sidecar stamps the time");
  }

  @Test
  void policiesAreListedAndShown() {
    List<PolicyInfo> policies = server.stub.listPolicies(ListPoliciesRequest.getDefaultInstance()).getPoliciesList();
    assertEquals(1, policies.size());
    assertEquals("retail", policies.get(0).getName());
    assertEquals(16, policies.get(0).getToolsCount());
    assertTrue(policies.get(0).getRulesList().contains("authenticate_first"));
    assertTrue(policies.get(0).getSource().isEmpty());
    PolicyInfo retail = server.stub.getPolicy(GetPolicyRequest.newBuilder().setName("retail").build());
    assertTrue(retail.getSource().startsWith("policy retail"));
    assertEquals(policies.get(0).getVersion(), retail.getVersion());
  }

  private static ToolAllowance tool(AllowedResponse response, String name) {
    return response.getToolsList().stream().filter(t -> t.getTool().equals(name)).findFirst().orElseThrow();
  }
}
