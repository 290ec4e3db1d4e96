package io.vigil.guard.cli;

import io.vigil.guard.audit.DecisionLog;
import io.vigil.guard.generate.GenerateHandler;
import io.vigil.guard.generate.ModelRuntime;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.server.GuardServer;
import io.vigil.guard.session.CheckOutcome;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.StoreFactory;
import io.vigil.llm.decode.DecoderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil serve}: the gRPC sidecar. */
@Command(
    name = "serve",
    description = {
      "Run the gRPC sidecar (service vigil.guard.v1.Guard, gRPC health and reflection).",
      "Loads every *.vigil under --policies and reloads a changed file within a second; a broken "
          + "file is rejected (diagnostics on stderr) and its previous version stays active.",
      "Prints 'vigil serve: listening on HOST:PORT' when ready; SIGTERM stops it gracefully."
    })
final class ServeCommand extends Verb {
  /** Held so that its level is not lost when the logger is collected. */
  private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

  @Option(names = "--policies", required = true, paramLabel = "DIR", description = "Directory of policies (*.vigil, searched recursively).")
  Path policies;

  @Option(names = "--port", defaultValue = "50051", paramLabel = "N", description = "TCP port (default 50051; 0 picks a free one).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address to listen on (default 127.0.0.1; 0.0.0.0 in a container).")
  String host;

  @Option(names = "--store", defaultValue = "file:vigil-data", paramLabel = "SPEC",
      description = "Where sessions are kept: file:DIR (embedded, default file:vigil-data), memory, or jdbc:postgresql://HOST/DB.")
  String store;

  @Option(names = "--mode", defaultValue = "enforce", paramLabel = "enforce|shadow",
      description = "enforce (default) or shadow: log the verdict, allow every call.")
  String mode;

  @Option(names = "--decision-log", paramLabel = "FILE",
      description = "JSON Lines decision log; '-' is stdout. Default: DIR/decisions.jsonl for a file:DIR store, else stdout.")
  String decisionLog;

  @Option(names = "--decision-log-flush", defaultValue = "" + DecisionLog.DEFAULT_FLUSH_MILLIS, paramLabel = "MS",
      description = "Decision log lines are flushed at most MS ms after their decision (default 10); 0 flushes every "
          + "line as it is written (one write system call per decision).")
  long decisionLogFlushMillis;

  @Option(names = "--poll-interval", defaultValue = "500", paramLabel = "MS", description = "How often the policy directory is checked for changes (ms).")
  long pollMillis;

  @Option(names = "--max-request-bytes", defaultValue = "" + GuardServer.DEFAULT_MAX_REQUEST_BYTES, paramLabel = "N",
      description = "Largest request accepted (bytes); larger ones get INVALID_ARGUMENT.")
  int maxRequestBytes;

  @Option(names = "--max-events-per-request", defaultValue = "" + GuardServer.DEFAULT_MAX_EVENTS_PER_REQUEST, paramLabel = "N",
      description = "Most events one Record request may carry.")
  int maxEvents;

  @Option(names = "--alternatives-max-events", defaultValue = "" + GuardServer.DEFAULT_ALTERNATIVES_MAX_EVENTS, paramLabel = "N",
      description = "A denied call gets allowed alternatives (from Z3) while its session has at most N events (default 64).")
  int alternativesMaxEvents;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Serve Generate with the reference transformer over this Hugging Face directory (o200k vocabulary).")
  Path model;

  @Option(names = "--random-model", paramLabel = "SEED",
      description = "Serve Generate with a small random-weight model made from SEED (to try the constraint without weights).")
  Long randomModel;

  @Override
  int run() throws Exception {
    if (model != null && randomModel != null) {
      throw new CliException("--model and --random-model exclude each other");
    }
    CheckOutcome.Mode serveMode;
    switch (mode) {
      case "enforce":
        serveMode = CheckOutcome.Mode.ENFORCE;
        break;
      case "shadow":
        serveMode = CheckOutcome.Mode.SHADOW;
        break;
      default:
        throw new CliException("--mode must be enforce or shadow, not '" + mode + "'");
    }
    if (!Files.isDirectory(policies)) {
      throw new CliException("--policies: not a directory: " + policies);
    }
    configureLogging(verbose);
    PolicyRegistry registry = PolicyRegistry.open(policies, Duration.ofMillis(pollMillis));
    if (registry.all().isEmpty()) {
      registry.close();
      throw new CliException("no valid policy under " + policies + " (see the diagnostics above)");
    }
    EventStore events;
    try {
      events = StoreFactory.open(store);
    } catch (RuntimeException e) {
      registry.close();
      throw new CliException("--store: " + e.getMessage());
    }
    String logTarget = decisionLog != null ? decisionLog
        : store.startsWith("file:") ? Path.of(store.substring(5)).resolve("decisions.jsonl").toString() : "-";
    if (decisionLogFlushMillis < 0) {
      registry.close();
      events.close();
      throw new CliException("--decision-log-flush must be 0 or more (ms), not " + decisionLogFlushMillis);
    }
    DecisionLog log = DecisionLog.open(logTarget, Duration.ofMillis(decisionLogFlushMillis));
    GuardServer.Config config = new GuardServer.Config(host, port, serveMode, maxRequestBytes, maxEvents, alternativesMaxEvents);
    ModelRuntime runtime = null;
    if (model != null || randomModel != null) {
      try {
        runtime = model != null ? ModelRuntime.reference(model) : ModelRuntime.random(randomModel);
      } catch (RuntimeException e) {
        log.close();
        registry.close();
        events.close();
        throw new CliException((model != null ? "--model: " : "--random-model: ") + e.getMessage());
      }
    }
    GuardServer server;
    try {
      server = GuardServer.start(config, events, registry, log,
          runtime == null ? null : new GenerateHandler(runtime, DecoderOptions.defaults()));
    } catch (java.io.IOException e) {
      if (runtime != null) {
        runtime.close();
      }
      log.close();
      registry.close();
      events.close();
      throw new CliException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    ModelRuntime served = runtime;
    Thread hook = new Thread(() -> {
      server.shutdown(Duration.ofSeconds(10));
      if (served != null) {
        served.close();
      }
      stopped.countDown();
    }, "vigil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (ActivePolicy p : registry.all()) {
      err().println("vigil serve: policy " + p.name() + " version " + p.version() + " (" + p.file() + ")");
    }
    err().println("vigil serve: store " + events.describe() + ", decision log " + log.target() + ", mode " + mode
        + (runtime == null ? "" : ", Generate with " + runtime.description()));
    err().flush();
    out().println("vigil serve: listening on " + host + ":" + server.port());
    out().flush();
    server.awaitTermination();
    stopped.await();
    return ExitCodes.OK;
  }

  /** One line per message on stderr; gRPC's own chatter only from WARNING up. */
  static void configureLogging(boolean verbose) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        String line = "vigil serve: " + r.getLevel().getName().toLowerCase() + ": " + formatMessage(r) + "\n";
        if (verbose && r.getThrown() != null) {
          java.io.StringWriter trace = new java.io.StringWriter();
          r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
          line += trace;
        }
        return line;
      }
    });
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    GRPC_LOGGER.setLevel(Level.WARNING);
  }
}
