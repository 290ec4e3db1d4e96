package io.vigil.guard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.guard.generate.HistoryConversation;
import io.vigil.guard.generate.ModelRuntime;
import io.vigil.guard.generate.PolicyCallOracle;
import io.vigil.guard.generate.PolicyOracles;
import io.vigil.llm.decode.BlockedAttempt;
import io.vigil.llm.decode.ConstrainedDecoder;
import io.vigil.llm.decode.DecodeStats;
import io.vigil.llm.decode.DecoderOptions;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.LogitsStepModel;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.ToolChoice;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.PolicyTools;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.spi.ToolCall;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.Timestamps;
import io.vigil.solver.value.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil generate}: the model's next turn for a session, constrained by the policy. */
@Command(
    name = "generate",
    description = {
      "Generate the assistant's next turn after a session history (JSON Lines) with a local model, "
          + "constrained so that every tool call it makes is well-formed and allowed by the policy now.",
      "Prints the text, the tool calls, and the attempts the policy blocked. Exit 0, or 2 on an input or engine error."
    })
final class GenerateCommand extends Verb {
  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy (*.vigil).")
  Path policy;

  @Option(names = "--history", paramLabel = "FILE", description = "The session so far (a JSON Lines trace); none: an empty session.")
  Path history;

  @Option(names = "--user", paramLabel = "TEXT",
      description = "A user message appended to the history (the policy sees it too) before generating.")
  String user;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt for the model.")
  String system;

  @Option(names = "--tools", paramLabel = "FILE",
      description = "OpenAI-style tool definitions (JSON array) for richer parameter schemas; default: the policy's tool declarations.")
  Path tools;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelChoice model;

  static final class ModelChoice {
    @Option(names = "--model", paramLabel = "DIR",
        description = "A Hugging Face model directory (config.json + model.safetensors) over the o200k vocabulary.")
    Path directory;

    @Option(names = "--random-model", paramLabel = "SEED",
        description = "A small random-weight model over o200k made from SEED: for trying the constraint without weights.")
    Long randomSeed;
  }

  @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "0.8", description = "0 is greedy (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-p", defaultValue = "0.95", description = "Nucleus sampling mass (default ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--max-tokens", defaultValue = "256", description = "Most tokens to generate (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--backtrack-budget", defaultValue = "32",
      description = "Most choices to back out of before answering in text (default ${DEFAULT-VALUE}).")
  int backtrackBudget;

  @Option(names = "--tool-choice", defaultValue = "auto", paramLabel = "auto|required|none",
      description = "Whether the turn may (auto), must (required) or must not (none) call a tool; the policy outranks it: "
          + "with no allowed call, the turn is text.")
  String toolChoice;

  @Option(names = "--time", paramLabel = "RFC3339",
      description = "The time of the turn; default: the last event's time, else now.")
  String time;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
  OutputFormat format;

  @Override
  int run() throws Exception {
    SamplingOptions sampling;
    try {
      sampling = new SamplingOptions(temperature, topP, seed, maxTokens);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    toolChoice();
    if (backtrackBudget < 0) {
      throw new CliException("--backtrack-budget must be >= 0");
    }
    LoadedPolicy loaded = Inputs.policy(policy);
    loaded.warnings().forEach(err()::println);
    History events = new History();
    if (history != null) {
      Inputs.trace(history).events().forEach(events::append);
    }
    BigDecimal now = now(events);
    if (user != null) {
      events.append(new Event.UserMessage(user, Optional.of(now)));
    }
    List<ToolSchema> offered = PolicyTools.of(loaded.policy());
    if (tools != null) {
      if (!Files.isRegularFile(tools)) {
        throw new CliException(tools + ": no such file");
      }
      offered = PolicyTools.refine(loaded.policy(), JsonSchemas.readTools(Files.readString(tools)));
    }
    List<ChatMessage> conversation = HistoryConversation.of(events, system);

    try (PolicyDecider decider = new PolicyDecider(loaded.policy(), loaded.sourceHash().substring(0, 12));
         PolicyOracles oracles = new PolicyOracles(decider);
         ModelRuntime runtime = model.directory != null ? ModelRuntime.reference(model.directory) : ModelRuntime.random(model.randomSeed);
         LogitsStepModel step = new LogitsStepModel(runtime.backend().open())) {
      PolicyCallOracle oracle = oracles.oracle(events, now);
      int[] prompt = runtime.tokenizer().encode(runtime.tokenizer().chatTemplate().render(conversation, offered));
      ConstrainedDecoder decoder = new ConstrainedDecoder(runtime.tokenizer(), offered,
          new DecoderOptions(backtrackBudget, DecoderOptions.defaults().maxToolCalls()));
      Generation generation = decoder.generate(step, prompt, oracle, sampling, GenerationListener.NONE, toolChoice());
      if (format == OutputFormat.json) {
        out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(generation, runtime)));
      } else {
        print(generation, runtime);
      }
    }
    return ExitCodes.OK;
  }

  private ToolChoice toolChoice() {
    try {
      return ToolChoice.parse(toolChoice);
    } catch (IllegalArgumentException e) {
      throw new CliException("--tool-choice " + e.getMessage());
    }
  }

  private BigDecimal now(History events) {
    if (time != null) {
      return Timestamps.parseSeconds(time).orElseThrow(() -> new CliException("--time: not an RFC 3339 time: " + time));
    }
    for (int i = events.size() - 1; i >= 0; i--) {
      Optional<BigDecimal> t = events.time(i);
      if (t.isPresent()) {
        return t.get();
      }
    }
    return Timestamps.seconds(Instant.now());
  }

  private void print(Generation generation, ModelRuntime runtime) {
    for (BlockedAttempt blocked : generation.blocked()) {
      out().println("blocked: " + blocked.tool() + " at " + blocked.stage()
          + (blocked.arguments().isEmpty() ? "" : " " + blocked.arguments())
          + (blocked.rules().isEmpty() ? "" : " by " + String.join(", ", blocked.rules()))
          + (blocked.reason().isEmpty() ? "" : ": " + blocked.reason()));
    }
    for (ToolCall call : generation.toolCalls()) {
      out().println("tool_call: " + call.name() + " " + call.arguments());
    }
    out().println("text: " + Json.MAPPER.valueToTree(generation.text()));
    DecodeStats s = generation.stats();
    out().printf("%s: %d tokens (%d forced, %d sampled), %d backtracks, %d policy questions; "
            + "model %.1f ms, masks %.1f ms, policy %.1f ms%n",
        runtime.description(), s.tokens(), s.forcedTokens(), s.sampledTokens(), s.backtracks(), s.oracleCalls(),
        s.modelNanos() / 1e6, s.maskNanos() / 1e6, s.oracleNanos() / 1e6);
  }

  private static ObjectNode json(Generation generation, ModelRuntime runtime) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("text", generation.text());
    ArrayNode calls = root.putArray("tool_calls");
    for (ToolCall call : generation.toolCalls()) {
      ObjectNode c = calls.addObject();
      c.put("name", call.name());
      c.set("arguments", call.arguments());
    }
    ArrayNode blocked = root.putArray("blocked");
    for (BlockedAttempt b : generation.blocked()) {
      ObjectNode node = blocked.addObject();
      node.put("tool", b.tool());
      node.put("stage", b.stage());
      ObjectNode args = node.putObject("arguments");
      b.arguments().forEach(args::set);
      ArrayNode rules = node.putArray("rules");
      b.rules().forEach(rules::add);
      node.put("reason", b.reason());
    }
    DecodeStats s = generation.stats();
    ObjectNode stats = root.putObject("stats");
    stats.put("model", runtime.description());
    stats.put("tokens", s.tokens());
    stats.put("forced_tokens", s.forcedTokens());
    stats.put("sampled_tokens", s.sampledTokens());
    stats.put("backtracks", s.backtracks());
    stats.put("policy_questions", s.oracleCalls());
    stats.put("model_ms", s.modelNanos() / 1e6);
    stats.put("mask_ms", s.maskNanos() / 1e6);
    stats.put("policy_ms", s.oracleNanos() / 1e6);
    return root;
  }
}
