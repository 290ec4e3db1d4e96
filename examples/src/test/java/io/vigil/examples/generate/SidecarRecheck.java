package io.vigil.examples.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.server.GuardServer;
import io.vigil.guard.store.MemoryEventStore;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real sidecar (in-process, over gRPC on loopback, memory store) that re-checks generated calls
 * on its own: nothing here shares state with the oracle the decoder asked.
 */
final class SidecarRecheck implements AutoCloseable {
  /** The sidecar's answer on one call: allowed, denied by rules, or refused as malformed. */
  record Answer(boolean allowed, boolean malformed, String detail) {}

  private final Path policyDir;
  private final GuardServer server;
  private final ManagedChannel channel;
  private final GuardGrpc.GuardBlockingStub guard;
  private int sessions;

  SidecarRecheck(Path policyFile) throws IOException {
    policyDir = Files.createTempDirectory("vigil-guarantee-policies");
    Files.copy(policyFile, policyDir.resolve(policyFile.getFileName()));
    server = GuardServer.start(GuardServer.Config.defaults(0), new MemoryEventStore(),
        PolicyRegistry.open(policyDir, Duration.ZERO), DecisionLog.discard());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    guard = GuardGrpc.newBlockingStub(channel);
  }

  /** A new session of {@code policy} holding the history (trace JSON events). */
  String session(String policy, List<ObjectNode> history) {
    String id = guard.createSession(CreateSessionRequest.newBuilder()
        .setSessionId("guarantee-" + (++sessions)).setPolicy(policy).build()).getSessionId();
    RecordRequest.Builder record = RecordRequest.newBuilder().setSessionId(id);
    history.forEach(e -> record.addEvents(event(e)));
    guard.record(record.build());
    return id;
  }

  Answer check(String session, String tool, ObjectNode arguments, Instant time) {
    try {
      CheckResponse response = guard.withDeadlineAfter(30, TimeUnit.SECONDS).check(CheckRequest.newBuilder()
          .setSessionId(session).setTime(time.toString())
          .setCall(ToolCall.newBuilder().setTool(tool).setArgsJson(arguments.toString())).build());
      return new Answer(response.getDecision().getAllowed(), false, response.getDecision().toString());
    } catch (StatusRuntimeException e) {
      boolean malformed = e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT;
      return new Answer(false, malformed, e.getStatus().toString());
    }
  }

  private static Event event(ObjectNode json) {
    String type = json.path("type").asText();
    Event.Builder event = Event.newBuilder();
    switch (type) {
      case "user_message":
        return event.setUserMessage(UserMessage.newBuilder().setText(json.path("text").asText())).build();
      case "assistant_message":
        return event.setAssistantMessage(AssistantMessage.newBuilder().setText(json.path("text").asText())).build();
      case "tool_call":
        return event.setToolCall(ToolCall.newBuilder().setId(json.path("id").asText(""))
            .setTool(json.path("tool").asText()).setArgsJson(json.path("args").toString())).build();
      case "tool_result": {
        ToolResult.Builder result = ToolResult.newBuilder().setId(json.path("id").asText("")).setTool(json.path("tool").asText());
        JsonNode error = json.get("error");
        if (error != null && !error.isNull()) {
          result.setError(error.isTextual() ? error.textValue() : error.toString());
        } else {
          result.setOutputJson(json.path("output").toString());
        }
        return event.setToolResult(result).build();
      }
      default:
        throw new IllegalArgumentException("unknown event type '" + type + "'");
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown(Duration.ofSeconds(2)); // closes the policies and the store too
    try (Stream<Path> files = Files.walk(policyDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
