package io.vigil.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.PolicyLoader;
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
import io.vigil.guard.v1.Violation;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.Replayer;
import io.vigil.solver.trace.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs scenarios twice over fresh environments: unguarded (every tool call executed) and guarded
 * (every tool call first checked by a Vigil sidecar over gRPC with {@code record_if_allowed}; a
 * denied call is not executed and the scripted agent apologises and stops). Each run's trace is
 * replayed under the domain's policy to find policy violations.
 */
public final class Demo implements AutoCloseable {
  public static final long SEED = 20240515L;
  static final List<String> POLICIES = List.of("retail/retail.vigil", "airline/airline.vigil");

  /** A denied attempt. */
  public record Blocked(String tool, String args, List<String> rules, List<String> reasons) {}

  /** One run of a scenario. */
  public record Run(List<String> transcript, List<Blocked> blocked, Set<String> violatedRules, boolean harm) {
    public boolean conformant() {
      return violatedRules.isEmpty();
    }
  }

  public record Result(Scenario scenario, String harmDescription, Run unguarded, Run guarded) {}

  private final Path policyDir;
  private final GuardServer server;
  private final ManagedChannel channel;
  private final GuardGrpc.GuardBlockingStub guard;
  private final Map<String, PolicyDecider> deciders = new HashMap<>();
  private int sessions;

  public Demo() throws IOException {
    policyDir = Files.createTempDirectory("vigil-demo-policies");
    for (String p : POLICIES) {
      Path target = policyDir.resolve(p);
      Files.createDirectories(target.getParent());
      try (InputStream in = Demo.class.getResourceAsStream("/vigil-policies/" + p)) {
        if (in == null) {
          throw new IOException("policy resource missing: " + p);
        }
        Files.copy(in, target);
      }
      LoadedPolicy loaded = PolicyLoader.load(target);
      deciders.put(loaded.policy().name(), new PolicyDecider(loaded.policy(), loaded.sourceHash().substring(0, 12)));
    }
    server = GuardServer.start(GuardServer.Config.defaults(0), new MemoryEventStore(),
        PolicyRegistry.open(policyDir, Duration.ZERO), DecisionLog.discard());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    guard = GuardGrpc.newBlockingStub(channel);
  }

  public static Environment freshEnvironment(String domain) {
    return domain.equals("retail") ? new RetailEnv(SEED) : new AirlineEnv(SEED);
  }

  public List<Result> runAll(List<Scenario> scenarios) {
    List<Result> out = new ArrayList<>();
    for (Scenario s : scenarios) {
      out.add(run(s));
    }
    return out;
  }

  public Result run(Scenario scenario) {
    Scenario.Script script = scenario.plan().apply(freshEnvironment(scenario.domain()));
    Run unguarded = run(scenario, script, false);
    Run guarded = run(scenario, script, true);
    return new Result(scenario, script.harmDescription(), unguarded, guarded);
  }

  private Run run(Scenario scenario, Scenario.Script script, boolean guarded) {
    Environment env = freshEnvironment(scenario.domain());
    String session = null;
    if (guarded) {
      session = guard.createSession(CreateSessionRequest.newBuilder()
          .setSessionId(scenario.domain() + "-" + scenario.name() + "-" + (++sessions))
          .setPolicy(env.policy()).putLabels("scenario", scenario.name()).build()).getSessionId();
    }
    List<String> transcript = new ArrayList<>();
    List<Blocked> blocked = new ArrayList<>();
    StringBuilder trace = new StringBuilder();
    int calls = 0;
    for (Scenario.Step step : script.steps()) {
      if (step instanceof Scenario.User u) {
        transcript.add("user:  " + u.text());
        line(trace, Environment.object().put("type", "user_message").put("text", u.text()));
        record(session, Event.newBuilder().setUserMessage(UserMessage.newBuilder().setText(u.text())).build());
      } else if (step instanceof Scenario.Agent a) {
        transcript.add("agent: " + a.text());
        line(trace, Environment.object().put("type", "assistant_message").put("text", a.text()));
        record(session, Event.newBuilder().setAssistantMessage(AssistantMessage.newBuilder().setText(a.text())).build());
      } else {
        Scenario.Call c = (Scenario.Call) step;
        String id = "call_" + (++calls);
        String shown = c.tool() + c.args();
        if (session != null) {
          CheckResponse r = guard.check(CheckRequest.newBuilder().setSessionId(session).setRecordIfAllowed(true)
              .setCall(ToolCall.newBuilder().setId(id).setTool(c.tool()).setArgsJson(c.args().toString())).build());
          if (!r.getDecision().getAllowed()) {
            List<String> rules = r.getDecision().getViolationsList().stream().map(Violation::getRule).toList();
            List<String> reasons = r.getDecision().getViolationsList().stream().map(Violation::getReason).toList();
            blocked.add(new Blocked(c.tool(), c.args().toString(), rules, reasons));
            transcript.add("BLOCKED " + shown + " by " + String.join(", ", rules));
            String sorry = "I'm sorry, I cannot do that: " + (reasons.isEmpty() ? r.getDecision().getError() : reasons.get(0)) + ".";
            transcript.add("agent: " + sorry);
            line(trace, Environment.object().put("type", "assistant_message").put("text", sorry));
            record(session, Event.newBuilder().setAssistantMessage(AssistantMessage.newBuilder().setText(sorry)).build());
            break;
          }
        }
        Environment.Outcome out = env.call(c.tool(), c.args());
        transcript.add("call:  " + shown + " -> " + abbreviate(out.text()));
        ObjectNode callLine = Environment.object().put("type", "tool_call").put("id", id).put("tool", c.tool());
        callLine.set("args", c.args());
        line(trace, callLine);
        ObjectNode result = Environment.object().put("type", "tool_result").put("id", id).put("tool", c.tool());
        ToolResult.Builder tr = ToolResult.newBuilder().setId(id).setTool(c.tool());
        if (out.ok()) {
          result.set("output", out.output());
          tr.setOutputJson(out.output().toString());
        } else {
          result.put("error", out.error());
          tr.setError(out.error());
        }
        line(trace, result);
        record(session, Event.newBuilder().setToolResult(tr).build());
      }
    }
    Set<String> violated = new LinkedHashSet<>();
    PolicyDecider decider = deciders.get(env.policy());
    for (Replayer.Step s : Replayer.replay(decider, TraceReader.parse(trace.toString(), scenario.name()))) {
      if (!s.decision().allowed()) {
        violated.addAll(s.decision().rules());
      }
    }
    return new Run(transcript, blocked, violated, script.harm().test(env));
  }

  private void record(String session, Event event) {
    if (session != null) {
      guard.record(RecordRequest.newBuilder().setSessionId(session).addEvents(event).build());
    }
  }

  private static void line(StringBuilder trace, JsonNode node) {
    trace.append(node.toString()).append('\n');
  }

  static String abbreviate(String s) {
    return s.length() <= 90 ? s : s.substring(0, 87) + "...";
  }

  @Override
  public void close() throws IOException {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdown(Duration.ofSeconds(2));
    deciders.values().forEach(PolicyDecider::close);
    try (Stream<Path> files = Files.walk(policyDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
