package io.vigil.guard.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.generate.GenerateHandler;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.MemoryEventStore;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real sidecar on a loopback port, with a channel to it. */
final class TestServer implements AutoCloseable {
  static final Path REPO = findRepo();
  static final Path RETAIL = REPO.resolve("examples/retail/retail.vigil");

  final GuardServer server;
  final ManagedChannel channel;
  final GuardGrpc.GuardBlockingStub stub;
  final PolicyRegistry policies;

  private TestServer(GuardServer server, PolicyRegistry policies) {
    this.server = server;
    this.policies = policies;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    this.stub = GuardGrpc.newBlockingStub(channel);
  }

  static TestServer start(Path policyDir, CheckOutcome.Mode mode) throws IOException {
    return start(policyDir, mode, new MemoryEventStore(), DecisionLog.discard(), Duration.ofMillis(200));
  }

  static TestServer start(Path policyDir, CheckOutcome.Mode mode, EventStore store, DecisionLog log, Duration poll)
      throws IOException {
    PolicyRegistry policies = PolicyRegistry.open(policyDir, poll);
    GuardServer server = GuardServer.start(GuardServer.Config.defaults(0).withMode(mode), store, policies, log);
    return new TestServer(server, policies);
  }

  /** A sidecar that also serves Generate with {@code generator}. */
  static TestServer startGenerating(Path policyDir, GenerateHandler generator) throws IOException {
    PolicyRegistry policies = PolicyRegistry.open(policyDir, Duration.ofMillis(200));
    GuardServer server = GuardServer.start(GuardServer.Config.defaults(0), new MemoryEventStore(), policies,
        DecisionLog.discard(), generator);
    return new TestServer(server, policies);
  }

  /** A directory holding a copy of the retail policy. */
  static Path retailDir(Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.copy(RETAIL, dir.resolve("retail.vigil"));
    return dir;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static Path findRepo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples/retail"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (examples/retail) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  // ---- event builders -----------------------------------------------------------------------

  static Event user(String text) {
    return Event.newBuilder().setUserMessage(UserMessage.newBuilder().setText(text)).build();
  }

  static Event assistant(String text) {
    return Event.newBuilder().setAssistantMessage(AssistantMessage.newBuilder().setText(text)).build();
  }

  static ToolCall call(String id, String tool, String argsJson) {
    return ToolCall.newBuilder().setId(id).setTool(tool).setArgsJson(argsJson).build();
  }

  static Event callEvent(String id, String tool, String argsJson) {
    return Event.newBuilder().setToolCall(call(id, tool, argsJson)).build();
  }

  static Event result(String id, String tool, String outputJson) {
    return Event.newBuilder().setToolResult(ToolResult.newBuilder().setId(id).setTool(tool).setOutputJson(outputJson)).build();
  }
}
