package io.vigil.guard.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.GuardException;
import io.vigil.guard.session.Session;
import io.vigil.guard.session.SessionRegistry;
import io.vigil.guard.v1.BlockedAttempt;
import io.vigil.guard.v1.ChatTurn;
import io.vigil.guard.v1.GenerateDone;
import io.vigil.guard.v1.GenerateEvent;
import io.vigil.guard.v1.GenerateRequest;
import io.vigil.llm.decode.ConstrainedDecoder;
import io.vigil.llm.decode.DecoderOptions;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.LogitsStepModel;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.ToolChoice;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.PolicyTools;
import io.vigil.llm.schema.SchemaException;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ToolCall;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Timestamps;
import io.vigil.solver.value.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The sidecar's Generate RPC: the model's next turn under the session's policy, streamed. One
 * generation runs at a time (the model already uses every core); others wait their turn.
 */
public final class GenerateHandler {
  private static final int DEFAULT_MAX_TOKENS = 256;

  private final ModelRuntime runtime;
  private final DecoderOptions options;
  private final Semaphore turn = new Semaphore(1, true);
  /** Per policy name, the oracles of its current version (Z3 contexts are worth keeping). */
  private final Map<String, PolicyOracles> oraclesByPolicy = new HashMap<>();
  /** Decoders by tool list: building one walks the whole vocabulary. */
  private final Map<List<ToolSchema>, ConstrainedDecoder> decoders = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<ToolSchema>, ConstrainedDecoder> eldest) {
      return size() > 8;
    }
  };

  public GenerateHandler(ModelRuntime runtime, DecoderOptions options) {
    this.runtime = runtime;
    this.options = options;
  }

  /** Answers {@code request}; each event goes to {@code emit}; returns the done event's content. */
  public GenerateDone generate(GenerateRequest request, SessionRegistry sessions, Deadline deadline, Consumer<GenerateEvent> emit) {
    Session session = sessions.get(request.getSessionId(), "session_id");
    ActivePolicy policy = sessions.policy(session.policyName(), "session_id");
    BigDecimal now = request.getTime().isEmpty()
        ? Timestamps.seconds(Instant.now())
        : Timestamps.parseSeconds(request.getTime())
            .orElseThrow(() -> GuardException.invalid("time", "not an RFC 3339 time: " + request.getTime()));
    SamplingOptions sampling = sampling(request);
    ToolChoice toolChoice = toolChoice(request.getToolChoice());
    List<ToolSchema> tools = tools(request, policy);
    History history = session.snapshot(policy, deadline);
    List<ChatMessage> conversation = request.getConversationCount() == 0
        ? HistoryConversation.of(history, null)
        : conversation(request.getConversationList());

    turn.acquireUninterruptibly();
    try (LogitsStepModel model = new LogitsStepModel(runtime.backend().open())) {
      PolicyCallOracle oracle = oracles(policy).oracle(history, now);
      int[] prompt = runtime.tokenizer().encode(runtime.tokenizer().chatTemplate().render(conversation, tools));
      ConstrainedDecoder decoder = decoders.computeIfAbsent(tools, t -> new ConstrainedDecoder(runtime.tokenizer(), t, options));
      Generation generation = decoder.generate(model, prompt, oracle, sampling, new GenerationListener() {
        @Override
        public void onText(String delta) {
          emit.accept(GenerateEvent.newBuilder().setTextDelta(delta).build());
        }

        @Override
        public void onToolCall(ToolCall call) {
          emit.accept(GenerateEvent.newBuilder().setToolCall(io.vigil.guard.v1.ToolCall.newBuilder()
              .setTool(call.name()).setArgsJson(call.arguments().toString())).build());
        }

        @Override
        public void onBlocked(io.vigil.llm.decode.BlockedAttempt attempt) {
          ObjectNode args = Json.MAPPER.createObjectNode();
          attempt.arguments().forEach(args::set);
          emit.accept(GenerateEvent.newBuilder().setBlocked(BlockedAttempt.newBuilder()
              .setTool(attempt.tool()).setArgsJson(args.toString()).setStage(attempt.stage())
              .addAllRules(attempt.rules()).setReason(attempt.reason())).build());
        }
      }, toolChoice);
      GenerateDone done = GenerateDone.newBuilder()
          .setText(generation.text())
          .setToolCalls(generation.toolCalls().size())
          .setTokens(generation.stats().tokens())
          .setBacktracks(generation.stats().backtracks())
          .setPolicy(policy.name())
          .setPolicyVersion(policy.version())
          .build();
      emit.accept(GenerateEvent.newBuilder().setDone(done).build());
      return done;
    } finally {
      turn.release();
    }
  }

  /** Called with the turn held: the oracles of the policy's current version, replacing older ones. */
  private PolicyOracles oracles(ActivePolicy policy) {
    PolicyOracles current = oraclesByPolicy.get(policy.name());
    if (current == null || current.decider() != policy.decider()) {
      if (current != null) {
        current.close();
      }
      current = new PolicyOracles(policy.decider());
      oraclesByPolicy.put(policy.name(), current);
    }
    return current;
  }

  /** The answer when the sidecar runs without a model. */
  public static StatusRuntimeException noModel() {
    return new StatusRuntimeException(Status.FAILED_PRECONDITION.withDescription(
        "this sidecar has no model: start it with --model DIR or --random-model SEED"));
  }

  private static SamplingOptions sampling(GenerateRequest request) {
    var s = request.getSampling();
    try {
      return new SamplingOptions(s.getTemperature(), s.getTopP() == 0 ? 1.0 : s.getTopP(), s.getSeed(),
          s.getMaxTokens() == 0 ? DEFAULT_MAX_TOKENS : s.getMaxTokens());
    } catch (IllegalArgumentException e) {
      throw GuardException.invalid("sampling", e.getMessage());
    }
  }

  private static ToolChoice toolChoice(String text) {
    try {
      return ToolChoice.parse(text);
    } catch (IllegalArgumentException e) {
      throw GuardException.invalid("tool_choice", e.getMessage());
    }
  }

  private static List<ToolSchema> tools(GenerateRequest request, ActivePolicy policy) {
    if (request.getToolsJson().isEmpty()) {
      return PolicyTools.of(policy.policy());
    }
    try {
      return PolicyTools.refine(policy.policy(), JsonSchemas.readTools(request.getToolsJson()));
    } catch (SchemaException e) {
      throw GuardException.invalid("tools_json", e.getMessage());
    }
  }

  private static List<ChatMessage> conversation(List<ChatTurn> turns) {
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      ChatTurn turn = turns.get(i);
      ChatMessage.Role role;
      try {
        role = ChatMessage.Role.valueOf(turn.getRole().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw GuardException.invalid("conversation[" + i + "].role",
            "must be system, user, assistant or tool, got '" + turn.getRole() + "'");
      }
      List<ToolCall> calls = new ArrayList<>();
      for (int c = 0; c < turn.getToolCallsCount(); c++) {
        io.vigil.guard.v1.ToolCall call = turn.getToolCalls(c);
        String field = "conversation[" + i + "].tool_calls[" + c + "].args_json";
        JsonNode args;
        try {
          args = call.getArgsJson().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(call.getArgsJson());
        } catch (Exception e) {
          throw GuardException.invalid(field, "not JSON: " + e.getMessage());
        }
        if (!(args instanceof ObjectNode object)) {
          throw GuardException.invalid(field, "must be a JSON object");
        }
        calls.add(new ToolCall(call.getTool(), object));
      }
      out.add(new ChatMessage(role, turn.getContent(), calls));
    }
    return out;
  }
}
