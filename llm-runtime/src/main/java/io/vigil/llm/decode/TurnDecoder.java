package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.grammar.BoundaryListener;
import io.vigil.llm.grammar.CanonicalJson;
import io.vigil.llm.grammar.GrammarState;
import io.vigil.llm.grammar.Slot;
import io.vigil.llm.grammar.ToolCallGrammar;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.ToolCall;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One assistant turn of {@link ConstrainedDecoder}: the state machine text / call / after a call. */
final class TurnDecoder implements BoundaryListener {
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Mode { TEXT, CALL, AFTER_CALL, END }

  private final ConstrainedDecoder shared;
  private final ToolCallGrammar grammar;
  private final StepModel model;
  private final GuardedOracle oracle;
  private final SamplingOptions sampling;
  private final GenerationListener listener;

  private final List<ToolCall> calls = new ArrayList<>();
  private final List<BlockedAttempt> blocked = new ArrayList<>();
  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private final CharsetDecoder textDecoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer pendingText = ByteBuffer.allocate(64);
  private final List<int[]> events = new ArrayList<>();

  private Mode mode = Mode.TEXT;
  private final ToolChoice toolChoice;
  private CallAttempt call;
  private int turnStart;
  /** How much of the spelled tool-call tag the text ends with. */
  private int tagState;
  private boolean callsBanned;
  private int budget;
  private int step;
  private int forcedTokens;
  private int sampledTokens;
  private int backtracks;
  private long maskNanos;
  private long modelNanos;

  TurnDecoder(ConstrainedDecoder shared, StepModel model, GuardedOracle oracle, SamplingOptions sampling,
      GenerationListener listener, ToolChoice toolChoice) {
    this.shared = shared;
    this.toolChoice = toolChoice;
    this.grammar = shared.grammar;
    this.model = model;
    this.oracle = oracle;
    this.sampling = sampling;
    this.listener = listener;
    this.budget = shared.options.backtrackBudget();
  }

  Generation run(int[] prompt) {
    long t0 = System.nanoTime();
    model.append(prompt);
    modelNanos += System.nanoTime() - t0;
    turnStart = model.length();
    callsBanned = toolChoice == ToolChoice.NONE || shared.options.maxToolCalls() == 0 || !anyToolCompletable();
    if (toolChoice == ToolChoice.REQUIRED && !callsBanned) {
      force(shared.specials.toolCallOpen());
      openCall(false);
    }
    while (mode != Mode.END) {
      if (model.length() - turnStart >= sampling.maxTokens()) {
        if (mode == Mode.CALL) {
          abandonCall();
          continue;
        }
        break;
      }
      if (mode == Mode.TEXT) {
        textStep();
      } else if (mode == Mode.AFTER_CALL) {
        afterCallStep();
      } else {
        callStep();
      }
    }
    flushText(true);
    DecodeStats stats = new DecodeStats(forcedTokens + sampledTokens, forcedTokens, sampledTokens, backtracks,
        oracle.calls, maskNanos, modelNanos, oracle.nanos);
    return new Generation(text.toString(StandardCharsets.UTF_8), calls, blocked, stats);
  }

  private boolean anyToolCompletable() {
    boolean any = false;
    for (int t = 0; t < grammar.tools().size(); t++) {
      // Ask about every tool now, so the name check later is answered from memory.
      any |= oracle.completable(partial(t, Map.of(), 0));
    }
    return any;
  }

  private boolean callsOpen() {
    return !callsBanned && calls.size() < shared.options.maxToolCalls();
  }

  // ---- text and the end of the turn

  private void textStep() {
    int token = sample(shared.textMask(tagState, callsOpen()));
    if (token == shared.specials.endOfTurn()) {
      mode = Mode.END;
    } else if (token == shared.specials.toolCallOpen()) {
      openCall(false);
    } else {
      appendText(shared.tokenizer.tokenBytes(token));
    }
  }

  private void afterCallStep() {
    int end = shared.specials.endOfTurn();
    if (!callsOpen()) {
      force(end);
      mode = Mode.END;
      return;
    }
    BitSet allowed = new BitSet();
    allowed.set(end);
    allowed.set(shared.specials.toolCallOpen());
    if (sample(allowed) == end) {
      mode = Mode.END;
    } else {
      openCall(true);
    }
  }

  private void openCall(boolean afterCall) {
    flushText(false);
    call = new CallAttempt(model.length() - 1, afterCall, grammar.start());
    mode = Mode.CALL;
  }

  private void appendText(byte[] bytes) {
    tagState = shared.tagGuard.advance(tagState, bytes);
    text.writeBytes(bytes);
    for (byte b : bytes) {
      if (!pendingText.hasRemaining()) {
        flushText(true);
      }
      pendingText.put(b);
    }
    flushText(false);
  }

  /** Streams the text decoded so far; a character split across tokens waits for its last byte unless {@code all}. */
  private void flushText(boolean all) {
    pendingText.flip();
    CharBuffer out = CharBuffer.allocate(pendingText.remaining() + 2);
    textDecoder.decode(pendingText, out, all);
    if (all) {
      textDecoder.flush(out);
      textDecoder.reset();
    }
    pendingText.compact();
    out.flip();
    if (out.hasRemaining()) {
      listener.onText(out.toString());
    }
  }

  // ---- inside a call

  private void callStep() {
    if (grammar.isComplete(call.state)) {
      finishCall();
      return;
    }
    if (grammar.slotAt(call.state) != null && !resolveSlot()) {
      return;
    }
    long t0 = System.nanoTime();
    byte[] forced = shared.masks.forcedBytes(call.state);
    maskNanos += System.nanoTime() - t0;
    if (forced.length > 0) {
      // Walked now, tokenized later with whatever else is forced, so the model sees natural tokens.
      walk(forced);
      return;
    }
    if (!emitPending()) {
      return;
    }
    t0 = System.nanoTime();
    BitSet allowed = shared.masks.allowed(call.state);
    maskNanos += System.nanoTime() - t0;
    if (allowed.isEmpty()) {
      abandonCall();
      return;
    }
    int token = sample(allowed);
    call.emitted = call.length() + shared.tokenizer.tokenBytes(token).length;
    walk(shared.tokenizer.tokenBytes(token));
  }

  /** Feeds bytes the grammar accepts; handles the boundaries they cross. False when a dead end backed out. */
  private boolean walk(byte[] bytes) {
    for (byte value : bytes) {
      int b = value & 0xFF;
      events.clear();
      GrammarState next = grammar.feed(call.state, b, this);
      if (next == null) {
        // The masks and forced runs only let accepted bytes through; never emit what the grammar refuses.
        abandonCall();
        return false;
      }
      int offset = call.length();
      call.append(b);
      call.state = next;
      for (int[] event : events) {
        boolean alive = event[0] < 0 ? toolNamed(event[1]) : argumentDone(event[1], event[2] == 1 ? offset : offset + 1);
        if (!alive) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public void toolNameComplete(int tool) {
    events.add(new int[] {-1, tool, 0});
  }

  @Override
  public void argumentComplete(int tool, int param, boolean endsBeforeByte) {
    events.add(new int[] {0, param, endsBeforeByte ? 1 : 0});
  }

  private boolean toolNamed(int tool) {
    call.tool = tool;
    CallChoice choice = call.choice(-1);
    choice.chosen = toolName(tool);
    if (oracle.completable(partial(tool, Map.of(), 0))) {
      return true;
    }
    block(tool, Map.of(), "tool", List.of(), "no call of " + toolName(tool) + " can be allowed here");
    deadEnd(call.choices.indexOf(choice));
    return false;
  }

  private boolean argumentDone(int param, int end) {
    CallChoice choice = call.choice(param);
    String valueText = call.text(choice.valueStart, end);
    JsonNode value;
    try {
      value = JSON.readTree(valueText);
    } catch (Exception e) {
      abandonCall();
      return false;
    }
    choice.chosen = valueText;
    String name = paramName(param);
    call.known.put(name, value);
    if (oracle.completable(partial(call.tool, call.known, param + 1))) {
      return true;
    }
    block(call.tool, call.known, "argument:" + name, List.of(), "no allowed call has " + name + " = " + valueText);
    deadEnd(call.choices.indexOf(choice));
    return false;
  }

  /** Resolves the slot the call waits at. False when that is a dead end (already backed out). */
  private boolean resolveSlot() {
    Slot slot = grammar.slotAt(call.state);
    CallChoice choice = call.choices.isEmpty() ? null : call.choices.get(call.choices.size() - 1);
    if (choice == null || choice.resolved || choice.param != slot.param()) {
      choice = new CallChoice(call.checkpoint(model.length()), slot.param());
      call.choices.add(choice);
    }
    choice.valueStart = call.length();
    GrammarState next;
    if (slot.toolName()) {
      next = grammar.chooseTool(call.state, choice.bans);
    } else {
      String name = paramName(slot.param());
      Optional<List<JsonNode>> allowed = oracle.allowedValues(partial(call.tool, call.known, slot.param()), name);
      List<String> texts = null;
      if (allowed.isPresent()) {
        Set<String> unique = new LinkedHashSet<>();
        for (JsonNode value : allowed.get()) {
          String canonical = grammar.canonicalValue(call.tool, slot.param(), value);
          if (canonical != null) {
            unique.add(canonical);
          }
        }
        texts = new ArrayList<>(unique);
        if (texts.isEmpty()) {
          block(call.tool, call.known, "argument:" + name, List.of(), "the policy allows no value of " + name + " here");
        }
      }
      next = grammar.chooseValue(call.state, texts, choice.bans);
    }
    if (next == null) {
      call.choices.remove(call.choices.size() - 1);
      deadEnd(call.choices.size() - 1);
      return false;
    }
    choice.resolved = true;
    call.state = next;
    return true;
  }

  /** Backs out to choice {@code index}, banning what was chosen there; gives up on the call when nothing is left. */
  private void deadEnd(int index) {
    if (index < 0 || budget == 0) {
      abandonCall();
      return;
    }
    budget--;
    backtracks++;
    CallChoice choice = call.choices.get(index);
    if (choice.chosen != null) {
      choice.bans.add(choice.chosen);
    }
    choice.chosen = null;
    choice.resolved = false;
    while (call.choices.size() > index + 1) {
      call.choices.remove(call.choices.size() - 1);
    }
    rewindModel(choice.at.modelLength());
    call.restore(choice.at);
  }

  /** Undoes the whole call, {@code <tool_call>} included, and lets no other call open in this turn. */
  private void abandonCall() {
    backtracks++;
    rewindModel(call.openAt);
    callsBanned = true;
    mode = call.afterCall ? Mode.AFTER_CALL : Mode.TEXT;
    call = null;
  }

  private void finishCall() {
    int tool = call.tool;
    ToolSchema schema = grammar.tools().get(tool);
    ObjectNode arguments;
    try {
      JsonNode parsed = JSON.readTree(call.text(0, call.length()));
      if (!schema.name().equals(parsed.path("name").asText(null)) || !parsed.path("arguments").isObject()
          || !CanonicalJson.conforms(schema.parameters(), parsed.get("arguments"))) {
        throw new IllegalStateException("the call does not fit the schema of " + schema.name());
      }
      arguments = (ObjectNode) parsed.get("arguments");
    } catch (Exception e) {
      abandonCall();
      return;
    }
    Verdict verdict = oracle.decide(schema.name(), arguments);
    if (!verdict.allowed()) {
      block(tool, call.known, "call", verdict.rules(), verdict.reason());
      deadEnd(call.choices.size() - 1);
      return;
    }
    if (!emitPending()) {
      return;
    }
    force(shared.specials.toolCallClose());
    ToolCall made = new ToolCall(schema.name(), arguments);
    calls.add(made);
    listener.onToolCall(made);
    call = null;
    mode = Mode.AFTER_CALL;
  }

  /** Appends the forced bytes not yet in the model as the tokenizer's own tokens for them. */
  private boolean emitPending() {
    if (call.emitted == call.length()) {
      return true;
    }
    byte[] bytes = call.bytes(call.emitted, call.length());
    int[] tokens = shared.tokenizer.encodeOrdinary(new String(bytes, StandardCharsets.UTF_8));
    ByteArrayOutputStream spelled = new ByteArrayOutputStream();
    for (int token : tokens) {
      spelled.writeBytes(shared.tokenizer.tokenBytes(token));
    }
    if (!java.util.Arrays.equals(bytes, spelled.toByteArray())
        || model.length() - turnStart + tokens.length > sampling.maxTokens()) {
      // A tokenizer that does not spell the text back, or a call that cannot end within the limit.
      abandonCall();
      return false;
    }
    long t0 = System.nanoTime();
    model.append(tokens);
    modelNanos += System.nanoTime() - t0;
    forcedTokens += tokens.length;
    call.emitted = call.length();
    return true;
  }

  // ---- model

  private int sample(BitSet allowed) {
    int only = allowed.cardinality() == 1 ? allowed.nextSetBit(0) : -1;
    if (only >= 0) {
      force(only);
      return only;
    }
    long t0 = System.nanoTime();
    int token = model.next(allowed, sampling, step++);
    modelNanos += System.nanoTime() - t0;
    sampledTokens++;
    return token;
  }

  private void force(int token) {
    long t0 = System.nanoTime();
    model.append(token);
    modelNanos += System.nanoTime() - t0;
    forcedTokens++;
  }

  private void rewindModel(int length) {
    if (model.length() > length) {
      long t0 = System.nanoTime();
      model.rewind(length);
      modelNanos += System.nanoTime() - t0;
    }
  }

  // ---- helpers

  private PartialCall partial(int tool, Map<String, JsonNode> known, int firstUnknown) {
    List<String> params = grammar.parameters(tool);
    Set<String> unknown = new HashSet<>(params.subList(Math.min(firstUnknown, params.size()), params.size()));
    return new PartialCall(toolName(tool), known, unknown);
  }

  private void block(int tool, Map<String, JsonNode> arguments, String stage, List<String> rules, String reason) {
    BlockedAttempt attempt = new BlockedAttempt(toolName(tool), arguments, stage, rules, reason);
    blocked.add(attempt);
    listener.onBlocked(attempt);
  }

  private String toolName(int tool) {
    return grammar.tools().get(tool).name();
  }

  private String paramName(int param) {
    return grammar.parameters(call.tool).get(param);
  }
}
