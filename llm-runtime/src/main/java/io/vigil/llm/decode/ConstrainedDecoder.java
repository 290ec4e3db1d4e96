package io.vigil.llm.decode;

import io.vigil.llm.grammar.GrammarMasks;
import io.vigil.llm.grammar.TokenTrie;
import io.vigil.llm.grammar.ToolCallGrammar;
import io.vigil.llm.schema.ToolSchema;
import io.vigil.llm.spi.SpecialTokens;
import io.vigil.llm.spi.TokenizerView;
import java.util.BitSet;
import java.util.List;

/**
 * Generates an assistant turn under the tool-call grammar and the policy: text, or tool calls
 * {@code <tool_call>{...}</tool_call>} of declared tools whose every emitted call parses, fits its
 * schema and was allowed by {@link CallOracle#decide}. At the tool name and at each argument value
 * the oracle is asked whether the call can still be completed into an allowed one; a dead end
 * rewinds the model to where that choice began, bans it and samples again, within the backtrack
 * budget; when no allowed call is left the model answers in text. Reusable and thread-safe: masks
 * are cached across generations and shared between decoders of equal tools on one vocabulary.
 */
public final class ConstrainedDecoder {
  final TokenizerView tokenizer;
  final SpecialTokens specials;
  final ToolCallGrammar grammar;
  final GrammarMasks masks;
  final DecoderOptions options;
  final SpelledTagGuard tagGuard;
  private final BitSet[] textMasks;

  public ConstrainedDecoder(TokenizerView tokenizer, List<ToolSchema> tools, DecoderOptions options) {
    this.tokenizer = tokenizer;
    this.specials = tokenizer.specials();
    this.masks = GrammarMasks.shared(TokenTrie.of(tokenizer), tools);
    this.grammar = masks.grammar();
    this.options = options;
    this.tagGuard = new SpelledTagGuard(tokenizer, masks.trie());
    this.textMasks = new BitSet[2 * (tokenizer.decode(new int[] {specials.toolCallOpen()}).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1)];
  }

  /**
   * Plain text: the ordinary tokens that do not spell out the tool-call tag from {@code tagState}, the
   * end of the turn, and {@code <tool_call>} itself when a call may open. Shared: do not modify.
   */
  BitSet textMask(int tagState, boolean callMayOpen) {
    int key = 2 * tagState + (callMayOpen ? 1 : 0);
    synchronized (textMasks) {
      if (key >= textMasks.length || textMasks[key] == null) {
        BitSet mask = (BitSet) tagGuard.allowed(tagState).clone();
        mask.set(specials.endOfTurn());
        if (callMayOpen) {
          mask.set(specials.toolCallOpen());
        }
        if (key >= textMasks.length) {
          return mask;
        }
        textMasks[key] = mask;
      }
      return textMasks[key];
    }
  }

  public ConstrainedDecoder(TokenizerView tokenizer, List<ToolSchema> tools) {
    this(tokenizer, tools, DecoderOptions.defaults());
  }

  /**
   * Feeds {@code prompt} (the rendered conversation, ending where the assistant's turn begins) to
   * {@code model} and generates the turn.
   */
  public Generation generate(StepModel model, int[] prompt, CallOracle oracle, SamplingOptions sampling,
      GenerationListener listener) {
    return generate(model, prompt, oracle, sampling, listener, ToolChoice.AUTO);
  }

  /** As above, with the caller's say on whether the turn calls a tool. */
  public Generation generate(StepModel model, int[] prompt, CallOracle oracle, SamplingOptions sampling,
      GenerationListener listener, ToolChoice toolChoice) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty");
    }
    return new TurnDecoder(this, model, new GuardedOracle(oracle), sampling,
        listener == null ? GenerationListener.NONE : listener, toolChoice).run(prompt);
  }

  public GrammarMasks masks() {
    return masks;
  }

  public ToolCallGrammar grammar() {
    return grammar;
  }
}
