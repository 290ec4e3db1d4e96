package io.vigil.examples;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Waits until the container's gRPC health service ({@code grpc.health.v1.Health/Check}, the
 * overall status) answers SERVING through the mapped port. Polled from the test: a scratch image
 * has no shell for Testcontainers' in-container port check.
 */
final class GrpcHealthWait extends AbstractWaitStrategy {
  private final int port;
  private String lastProblem = "no answer yet";

  GrpcHealthWait(int port) {
    this.port = port;
  }

  @Override
  protected void waitUntilReady() {
    long until = System.nanoTime() + startupTimeout.toNanos();
    while (System.nanoTime() < until) {
      if (!waitStrategyTarget.isRunning()) {
        throw new ContainerLaunchException("the container stopped before it was healthy:\n" + waitStrategyTarget.getLogs());
      }
      if (serving()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ContainerLaunchException("interrupted");
      }
    }
    throw new ContainerLaunchException("gRPC health not SERVING after " + startupTimeout.toSeconds() + " s ("
        + lastProblem + "); logs:\n" + waitStrategyTarget.getLogs());
  }

  private boolean serving() {
    ManagedChannel channel = ManagedChannelBuilder
        .forAddress(waitStrategyTarget.getHost(), waitStrategyTarget.getMappedPort(port)).usePlaintext().build();
    try {
      HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      lastProblem = "status " + r.getStatus();
      return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      lastProblem = e.getStatus().toString();
      return false;
    } finally {
      channel.shutdownNow();
    }
  }
}
