package io.vigil.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.guard.v1.AssistantMessage;
import io.vigil.guard.v1.CheckRequest;
import io.vigil.guard.v1.CheckResponse;
import io.vigil.guard.v1.CreateSessionRequest;
import io.vigil.guard.v1.Event;
import io.vigil.guard.v1.GetSessionRequest;
import io.vigil.guard.v1.GuardGrpc;
import io.vigil.guard.v1.ListPoliciesRequest;
import io.vigil.guard.v1.PolicyInfo;
import io.vigil.guard.v1.RecordRequest;
import io.vigil.guard.v1.ToolCall;
import io.vigil.guard.v1.ToolResult;
import io.vigil.guard.v1.UserMessage;
import io.vigil.guard.v1.Verdict;
import io.vigil.guard.v1.Violation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The sidecar as a container: container/Dockerfile ({@code FROM scratch}) over a root file system
 * this test assembles ({@link SidecarImage}), built and started with Testcontainers without
 * pulling any image; ready when gRPC health says SERVING; then a retail conversation over the
 * network through the mapped port. Needs a Docker engine: skipped without one, failed in CI.
 */
class SidecarContainerTest {
  static final Path REPO = ClientsTest.REPO;
  static final int PORT = 50051;

  @Test
  void theScratchImageServesTheRetailPolicyOverTheNetwork() throws Exception {
    String missing = SidecarImage.missing(REPO);
    Prerequisite.require(missing == null, missing);
    Prerequisite.require(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine answers (docker info)");

    long t0 = System.nanoTime();
    Path rootfs = SidecarImage.build(REPO, REPO.resolve("examples/target/sidecar-image"));
    long t1 = System.nanoTime();
    String name = "vigil-sidecar-test:" + Long.toHexString(System.nanoTime());
    ImageFromDockerfile image = new ImageFromDockerfile(name, false)
        .withFileFromPath("Dockerfile", REPO.resolve("container/Dockerfile"))
        .withFileFromPath("rootfs.tar", rootfs);
    image.get();
    long t2 = System.nanoTime();
    System.out.printf("rootfs %d ms, image %d ms%n", (t1 - t0) / 1000000, (t2 - t1) / 1000000);
    try (GenericContainer<?> sidecar = new GenericContainer<>(image)
        .withExposedPorts(PORT)
        .waitingFor(new GrpcHealthWait(PORT).withStartupTimeout(Duration.ofSeconds(120)))) {
      sidecar.start();
      System.out.printf("healthy after %d ms%n", (System.nanoTime() - t2) / 1000000);
      ManagedChannel channel = ManagedChannelBuilder.forAddress(sidecar.getHost(), sidecar.getMappedPort(PORT))
          .usePlaintext().build();
      try {
        play(GuardGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      String logs = sidecar.getLogs();
      assertTrue(logs.contains("vigil serve: listening on 0.0.0.0:" + PORT), logs);
      assertTrue(logs.contains("store file:/data"), logs);
    } finally {
      try {
        DockerClientFactory.instance().client().removeImageCmd(name).withForce(true).exec();
      } catch (RuntimeException e) {
        // not built: the build's own failure is the one to report
      }
    }
  }

  private static void play(GuardGrpc.GuardBlockingStub guard) {
    assertEquals(List.of("airline", "retail"), guard.listPolicies(ListPoliciesRequest.getDefaultInstance())
        .getPoliciesList().stream().map(PolicyInfo::getName).sorted().toList());

    guard.createSession(CreateSessionRequest.newBuilder().setSessionId("container-1").setPolicy("retail").build());
    guard.record(RecordRequest.newBuilder().setSessionId("container-1")
        .addEvents(Event.newBuilder().setUserMessage(UserMessage.newBuilder().setText("Where is my order #W2611340?")))
        .build());
    // before authentication: denied by authenticate_first, nothing recorded
    ToolCall readOrder = call("c2", "get_order_details", "{\"order_id\":\"#W2611340\"}");
    CheckResponse denied = guard.check(CheckRequest.newBuilder().setSessionId("container-1").setCall(readOrder)
        .setRecordIfAllowed(true).build());
    assertEquals(Verdict.DENY, denied.getDecision().getVerdict(), denied.toString());
    assertFalse(denied.getDecision().getAllowed());
    assertFalse(denied.getRecorded());
    assertTrue(denied.getDecision().getViolationsList().stream().map(Violation::getRule).toList()
        .contains("authenticate_first"), denied.toString());

    CheckResponse lookup = guard.check(CheckRequest.newBuilder().setSessionId("container-1")
        .setCall(call("c1", "find_user_id_by_email", "{\"email\":\"yusuf.rossi7301@example.com\"}"))
        .setRecordIfAllowed(true).build());
    assertEquals(Verdict.ALLOW, lookup.getDecision().getVerdict(), lookup.toString());
    guard.record(RecordRequest.newBuilder().setSessionId("container-1")
        .addEvents(Event.newBuilder().setToolResult(ToolResult.newBuilder().setId("c1").setTool("find_user_id_by_email")
            .setOutputJson("\"yusuf_rossi_9620\"")))
        .addEvents(Event.newBuilder().setAssistantMessage(AssistantMessage.newBuilder().setText("Thanks, Yusuf.")))
        .build());
    CheckResponse allowed = guard.check(CheckRequest.newBuilder().setSessionId("container-1").setCall(readOrder)
        .setRecordIfAllowed(true).build());
    assertEquals(Verdict.ALLOW, allowed.getDecision().getVerdict(), allowed.toString());
    assertTrue(allowed.getRecorded());
    assertEquals(5, guard.getSession(GetSessionRequest.newBuilder().setSessionId("container-1").build())
        .getSession().getLength());
  }

  private static ToolCall call(String id, String tool, String argsJson) {
    return ToolCall.newBuilder().setId(id).setTool(tool).setArgsJson(argsJson).build();
  }
}
