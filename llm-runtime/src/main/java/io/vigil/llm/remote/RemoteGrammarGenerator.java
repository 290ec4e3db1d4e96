package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.decode.BlockedAttempt;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.DecodeStats;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.Verdict;
import io.vigil.llm.grammar.export.CallConstraint;
import io.vigil.llm.grammar.export.GrammarExport;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.SpecialTokens;
import io.vigil.llm.spi.ToolCall;
import io.vigil.llm.spi.TokenizerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grammar mode: the server decodes a whole call under its own structured-output engine (a JSON
 * Schema or a GBNF grammar of the offered calls, from {@link GrammarExport}), and the policy is enforced between requests instead of between
 * tokens. Far fewer requests than step mode, at the price of coarser steering: the server cannot ask
 * the policy mid-call, so a denied call costs a whole request.
 *
 * <p>A turn goes: the policy narrows the offer (tools that cannot be completed into an allowed call
 * are dropped, parameters it confines to known values become enums); one step-mode token lets the
 * model choose between opening a call and answering in text; then up to
 * {@link GrammarModeOptions#attempts} call requests, each read strictly, checked against the offered
 * constraint, and decided by the policy. A malformed or denied call is recorded as a
 * {@link BlockedAttempt} (stage {@code malformed} or {@code call}) and narrows the next request. When
 * nothing allowed is left, or the budget is spent, the model answers in text with the tool-call tag
 * banned. Only a call that reads, fits the offered schema and was allowed by
 * {@link CallOracle#decide} is ever returned; server failures throw a {@link RemoteServerException}
 * and return nothing.
 *
 * <p>At most one call per turn. The prompt is token ids built with the decoder's tokenizer, which must
 * be the served model's.
 */
public final class RemoteGrammarGenerator {
  private static final String TOOL_CALL_TAG = "<tool_call>";

  private final RemoteServer server;
  private final TokenizerView tokenizer;
  private final List<ToolSchema> tools;
  private final GrammarModeOptions options;
  private final SpecialTokens specials;
  /** The first token of a turn: ordinary text, the end of the turn, or the opening of a call. */
  private final BitSet textOrCall;

  public RemoteGrammarGenerator(RemoteServer server, TokenizerView tokenizer, List<ToolSchema> tools,
      GrammarModeOptions options) {
    this.server = server;
    this.tokenizer = tokenizer;
    this.tools = List.copyOf(tools);
    this.options = options;
    this.specials = tokenizer.specials();
    this.textOrCall = new BitSet(tokenizer.vocabSize());
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      if (!tokenizer.isSpecial(id)) {
        textOrCall.set(id);
      }
    }
    textOrCall.set(specials.endOfTurn());
    textOrCall.set(specials.toolCallOpen());
  }

  public Generation generate(int[] prompt, CallOracle oracle, SamplingOptions sampling, GenerationListener listener) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty");
    }
    Turn turn = new Turn(prompt, new OracleQuestions(oracle), sampling, listener);
    return turn.run();
  }

  /** The state of one generation. */
  private final class Turn {
    private final int[] prompt;
    private final OracleQuestions oracle;
    private final SamplingOptions sampling;
    private final GenerationListener listener;
    private final List<BlockedAttempt> blocked = new ArrayList<>();
    private int tokens;
    private long modelNanos;

    Turn(int[] prompt, OracleQuestions oracle, SamplingOptions sampling, GenerationListener listener) {
      this.prompt = prompt;
      this.oracle = oracle;
      this.sampling = sampling;
      this.listener = listener;
    }

    Generation run() {
      CallNarrowing narrowing = new CallNarrowing(tools, oracle, options.deniedPerTool());
      if (!narrowing.isEmpty()) {
        int first = firstToken();
        if (first == specials.endOfTurn()) {
          return new Generation("", List.of(), blocked, stats());
        }
        if (first == specials.toolCallOpen()) {
          Optional<ToolCall> call = callWithin(narrowing);
          if (call.isPresent()) {
            listener.onToolCall(call.get());
            return new Generation("", List.of(call.get()), blocked, stats());
          }
        }
      }
      String text = textAnswer();
      if (!text.isEmpty()) {
        listener.onText(text);
      }
      return new Generation(text, List.of(), blocked, stats());
    }

    /** The model's own choice between a call, text and ending the turn: one exact step. */
    private int firstToken() {
      try (RemoteStepModel step = server.stepModel(tokenizer.vocabSize())) {
        step.append(prompt);
        long start = System.nanoTime();
        try {
          return step.next(textOrCall, sampling, 0);
        } finally {
          modelNanos += System.nanoTime() - start;
          tokens++;
        }
      }
    }

    private Optional<ToolCall> callWithin(CallNarrowing narrowing) {
      int[] opened = Arrays.copyOf(prompt, prompt.length + 1);
      opened[prompt.length] = specials.toolCallOpen();
      for (int attempt = 0; attempt < options.attempts() && !narrowing.isEmpty(); attempt++) {
        String text = ask(new GenerateRequest(opened, rendered(narrowing.constraint()),
            new int[0], new int[] {specials.toolCallClose(), specials.endOfTurn()}, sampling.temperature(),
            sampling.topP(), RequestSeeds.of(sampling.seed(), 1 + attempt),
            Math.min(options.maxCallTokens(), sampling.maxTokens())));
        ReturnedCall returned = ReturnedCall.read(stripCloseTag(text));
        if (!returned.readable()) {
          block(returned.name(), returned.arguments(), "malformed", List.of(), returned.problem());
          continue;
        }
        Optional<ToolConstraint> offered = narrowing.tool(returned.name());
        if (offered.isEmpty()) {
          block(returned.name(), returned.arguments(), "malformed", List.of(), "the server returned a call of '"
              + returned.name() + "', which the request did not offer (offered: " + narrowing.toolNames() + ")");
          continue;
        }
        Optional<String> violation = offered.get().violation(returned.arguments());
        if (violation.isPresent()) {
          block(returned.name(), returned.arguments(), "malformed", List.of(), violation.get());
          continue;
        }
        Verdict verdict = oracle.decide(returned.name(), returned.arguments());
        if (verdict.allowed()) {
          return Optional.of(new ToolCall(returned.name(), returned.arguments().deepCopy()));
        }
        block(returned.name(), returned.arguments(), "call", verdict.rules(), verdict.reason());
        narrowing.denied(returned.name(), returned.arguments());
      }
      return Optional.empty();
    }

    /** Text with the call tags banned; cut at a spelled-out tag too, so no parser downstream reads a call in it. */
    private String textAnswer() {
      String text = ask(new GenerateRequest(prompt, new OutputConstraint.Free(),
          new int[] {specials.toolCallOpen(), specials.toolCallClose()}, new int[] {specials.endOfTurn()},
          sampling.temperature(), sampling.topP(), RequestSeeds.of(sampling.seed(), 0x7e47), sampling.maxTokens()));
      int tag = text.indexOf(TOOL_CALL_TAG);
      return tag >= 0 ? text.substring(0, tag) : text;
    }

    private String ask(GenerateRequest request) {
      long start = System.nanoTime();
      try {
        JsonNode response = server.post(server.dialect().generateRequest(request));
        String text = server.dialect().generatedText(response);
        tokens += tokenizer.encodeOrdinary(text).length;
        return text;
      } finally {
        modelNanos += System.nanoTime() - start;
      }
    }

    private void block(String tool, ObjectNode arguments, String stage, List<String> rules, String reason) {
      Map<String, JsonNode> shown = new HashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = arguments.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        shown.put(field.getKey(), field.getValue().deepCopy());
      }
      BlockedAttempt attempt = new BlockedAttempt(tool, shown, stage, rules, reason);
      blocked.add(attempt);
      listener.onBlocked(attempt);
    }

    private DecodeStats stats() {
      return new DecodeStats(tokens, 0, tokens, blocked.size(), oracle.calls, 0, modelNanos, oracle.nanos);
    }
  }

  private OutputConstraint rendered(CallConstraint constraint) {
    if (options.syntax() == GrammarModeOptions.Syntax.GBNF) {
      return new OutputConstraint.Grammar(GrammarExport.gbnf(constraint));
    }
    return new OutputConstraint.JsonSchema(GrammarExport.jsonSchema(constraint));
  }

  /** Servers may include the closing tag when the schema ends; it is not part of the call. */
  private static String stripCloseTag(String text) {
    String stripped = text.strip();
    return stripped.endsWith("</tool_call>") ? stripped.substring(0, stripped.length() - "</tool_call>".length()) : stripped;
  }
}
