package io.vigil.guard.server;

import io.grpc.Server;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.generate.GenerateHandler;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.session.SessionRegistry;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.v1.GuardGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The sidecar: the Guard service, standard health checking ({@code grpc.health.v1.Health}; the
 * overall status and {@code vigil.guard.v1.Guard} are SERVING while it runs) and server
 * reflection (v1 and v1alpha), over one Netty server. Owns the store, the policy registry and
 * the decision log it is given, and closes them on {@link #close}.
 */
public final class GuardServer implements AutoCloseable {
  private static final Logger log = Logger.getLogger(GuardServer.class.getName());

  /** Requests up to this many bytes reach the service, which answers larger ones INVALID_ARGUMENT. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 << 20;
  public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
  /** Denials get alternatives (from Z3) while the session has at most this many events. */
  public static final int DEFAULT_ALTERNATIVES_MAX_EVENTS = 64;

  /** What to serve. {@code port} 0 picks a free port. */
  public record Config(String host, int port, CheckOutcome.Mode mode, int maxRequestBytes, int maxEventsPerRequest,
      int alternativesMaxEvents) {
    public static Config defaults(int port) {
      return new Config("127.0.0.1", port, CheckOutcome.Mode.ENFORCE, DEFAULT_MAX_REQUEST_BYTES,
          DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_ALTERNATIVES_MAX_EVENTS);
    }

    public Config withMode(CheckOutcome.Mode m) {
      return new Config(host, port, m, maxRequestBytes, maxEventsPerRequest, alternativesMaxEvents);
    }

    public Config withHost(String h) {
      return new Config(h, port, mode, maxRequestBytes, maxEventsPerRequest, alternativesMaxEvents);
    }
  }

  private final Server server;
  private final HealthStatusManager health;
  private final EventStore store;
  private final PolicyRegistry policies;
  private final DecisionLog decisions;
  private final ExecutorService workers;
  private final ExecutorService otherCalls;

  private GuardServer(Server server, HealthStatusManager health, EventStore store, PolicyRegistry policies,
      DecisionLog decisions, ExecutorService workers, ExecutorService otherCalls) {
    this.workers = workers;
    this.otherCalls = otherCalls;
    this.server = server;
    this.health = health;
    this.store = store;
    this.policies = policies;
    this.decisions = decisions;
  }

  public static GuardServer start(Config config, EventStore store, PolicyRegistry policies, DecisionLog decisions)
      throws IOException {
    return start(config, store, policies, decisions, null);
  }

  /** As above, and {@code generator} (may be null: no model) answers the Generate RPC. */
  public static GuardServer start(Config config, EventStore store, PolicyRegistry policies, DecisionLog decisions,
      GenerateHandler generator) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    SessionRegistry sessions = new SessionRegistry(store, policies);
    ExecutorService workers = Executors.newCachedThreadPool(new WorkerThreads("vigil-check-"));
    ExecutorService otherCalls = Executors.newCachedThreadPool(new WorkerThreads("vigil-rpc-"));
    GuardService service = new GuardService(sessions, decisions, config.mode(),
        new GuardService.Limits(config.maxRequestBytes(), config.maxEventsPerRequest(), config.alternativesMaxEvents()),
        generator, workers);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
        // Check and the Session stream run on the transport thread, and leave it only when they
        // would wait (see GuardService): on two cores, the two thread hand-offs of every call cost
        // more than the decision. The server's own executor is direct, so that not even the method
        // lookup hops to a pool; every other method is switched to the pool below.
        .directExecutor()
        .callExecutor(new ServerCallExecutorSupplier() {
          @Override
          public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            String method = call.getMethodDescriptor().getFullMethodName();
            return method.equals(CHECK) || method.equals(SESSION) ? null : otherCalls;
          }
        })
        .addService(service)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(legacyReflection())
        // larger than the service's own limit, so that an oversized request gets INVALID_ARGUMENT
        // naming its field; beyond this the transport answers RESOURCE_EXHAUSTED
        .maxInboundMessageSize(Math.max(config.maxRequestBytes() * 2, 1 << 20))
        .build()
        .start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(GuardGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return new GuardServer(server, health, store, policies, decisions, workers, otherCalls);
  }

  private static final String CHECK = GuardGrpc.getCheckMethod().getFullMethodName();
  private static final String SESSION = GuardGrpc.getSessionMethod().getFullMethodName();

  /**
   * Daemon threads named PREFIX-N: vigil-check-N for checks that wait (a busy session, Z3, a
   * durable append), vigil-rpc-N for every other method.
   */
  private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    private final String prefix;

    WorkerThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops taking calls (health NOT_SERVING first), lets calls in flight finish for up to {@code
   * grace}, then closes the store, the policies and the decision log.
   */
  public void shutdown(Duration grace) {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warning("calls still running after " + grace.toSeconds() + " s; cancelling them");
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    workers.shutdown(); // calls answered from workers were in flight until answered: none is left
    otherCalls.shutdown();
    decisions.close();
    policies.close();
    store.close();
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }
}
