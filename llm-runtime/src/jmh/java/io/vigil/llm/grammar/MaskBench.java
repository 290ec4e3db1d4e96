package io.vigil.llm.grammar;

import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.ConstrainedDecoder;
import io.vigil.llm.decode.DecoderOptions;
import io.vigil.llm.decode.Generation;
import io.vigil.llm.decode.GenerationListener;
import io.vigil.llm.decode.LogitsStepModel;
import io.vigil.llm.decode.SamplingOptions;
import io.vigil.llm.decode.StepModel;
import io.vigil.llm.decode.TokenSampler;
import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Mask and decoder overhead over the real o200k vocabulary (about 200k tokens) on retail-style tool
 * calls: per token, the mask time when a state is met for the first time (cold) and when it is cached
 * (warm), the sampler, and the decoder's whole overhead per token with the model's time left out.
 * Prints medians and 99th percentiles.
 */
public final class MaskBench {
  private MaskBench() {}

  public static void main(String[] args) {
    O200kTokenizer tokenizer = new O200kTokenizer();
    long t0 = System.nanoTime();
    TokenTrie trie = new TokenTrie(tokenizer);
    long trieMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("o200k: %d tokens, trie of %d nodes built in %d ms%n", tokenizer.vocabSize(), trie.nodeCount(), trieMs);

    masksAlongCalls(tokenizer, trie);
    sampler(tokenizer.vocabSize());
    decoderOverhead(tokenizer);
  }

  /** Masks at every token boundary of the calls' own o200k tokenization where the decoder would sample. */
  private static void masksAlongCalls(O200kTokenizer tokenizer, TokenTrie trie) {
    ToolCallGrammar grammar = new ToolCallGrammar(BenchTools.TOOLS);
    // First with a cold JIT (what the very first turn of a process pays), then with a fresh cache
    // on a warm JIT (what a new state costs in a running server).
    maskPasses(tokenizer, new GrammarMasks(grammar, trie, 4096), grammar, 1, "JIT cold");
    maskPasses(tokenizer, new GrammarMasks(grammar, trie, 4096), grammar, 5, "JIT warm");
  }

  private static void maskPasses(O200kTokenizer tokenizer, GrammarMasks masks, ToolCallGrammar grammar, int rounds,
      String jit) {
    List<Long> cold = new ArrayList<>();
    List<Long> warm = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String call : BenchTools.CALLS) {
        GrammarState state = grammar.start();
        for (int token : tokenizer.encodeOrdinary(call)) {
          state = resolve(grammar, state);
          if (masks.forcedBytes(state).length == 0) {
            boolean known = masks.cached(state);
            long s = System.nanoTime();
            BitSet mask = masks.allowed(state);
            long ns = System.nanoTime() - s;
            (known ? warm : cold).add(ns);
            if (!mask.get(token)) {
              throw new IllegalStateException("the mask refuses token " + token + " of " + call + " at " + state);
            }
          }
          for (byte b : tokenizer.tokenBytes(token)) {
            state = resolve(grammar, state);
            state = grammar.feed(state, b & 0xFF, null);
          }
        }
        if (!grammar.isComplete(state)) {
          throw new IllegalStateException("incomplete: " + call);
        }
      }
    }
    report("mask, cold (state met first), " + jit, cold);
    if (!warm.isEmpty()) {
      report("mask, warm (cached state), " + jit, warm);
      List<Long> all = new ArrayList<>(cold);
      all.addAll(warm);
      report("mask, every sampled position, " + rounds + " passes, " + jit, all);
    }
  }

  private static GrammarState resolve(ToolCallGrammar grammar, GrammarState state) {
    Slot slot = grammar.slotAt(state);
    if (slot == null) {
      return state;
    }
    return slot.toolName() ? grammar.chooseTool(state, Set.of()) : grammar.chooseValue(state, null, Set.of());
  }

  private static void sampler(int vocab) {
    Random random = new Random(1);
    float[] logits = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (random.nextGaussian() * 3);
    }
    BitSet all = new BitSet(vocab);
    all.set(0, vocab - 6);
    for (double temperature : new double[] {0, 0.8}) {
      SamplingOptions options = new SamplingOptions(temperature, temperature == 0 ? 1 : 0.95, 7, 512);
      List<Long> times = new ArrayList<>();
      for (int step = 0; step < 400; step++) {
        long s = System.nanoTime();
        TokenSampler.sample(logits, all, options, step);
        times.add(System.nanoTime() - s);
      }
      report("sampler over " + all.cardinality() + " allowed tokens, temperature " + temperature
          + (temperature > 0 ? " top-p 0.95" : ""), times.subList(100, times.size()));
    }
  }

  /** Whole turns through ConstrainedDecoder; overhead = wall time minus the fake model's own time. */
  private static void decoderOverhead(O200kTokenizer tokenizer) {
    ConstrainedDecoder decoder = new ConstrainedDecoder(tokenizer, BenchTools.TOOLS, DecoderOptions.defaults());
    int[] prompt = tokenizer.encode(tokenizer.chatTemplate().render(
        List.of(ChatMessage.of(ChatMessage.Role.USER, "I want to return two items of order #W2378156.")), BenchTools.TOOLS));
    for (double temperature : new double[] {0, 0.8}) {
      SamplingOptions sampling = new SamplingOptions(temperature, temperature == 0 ? 1 : 0.95, 3, 256);
      for (int round = 0; round < 3; round++) {
        List<Long> perToken = new ArrayList<>();
        List<Long> perTokenWithoutSampler = new ArrayList<>();
        long samplerNanos = 0;
        long maskNanos = 0;
        long tokens = 0;
        long sampled = 0;
        long gcBefore = gcMillis();
        for (String call : BenchTools.CALLS) {
          FakeReplaySession session = new FakeReplaySession(tokenizer, prompt.length, call);
          long s = System.nanoTime();
          Generation g;
          SamplerTimer model = new SamplerTimer(new LogitsStepModel(session), session);
          g = decoder.generate(model, prompt, CallOracle.permissive(), sampling, GenerationListener.NONE);
          model.close();
          long wall = System.nanoTime() - s;
          if (g.toolCalls().size() != 1) {
            throw new IllegalStateException("expected the call " + call + ", got " + g);
          }
          perToken.add((wall - session.nanos) / g.stats().tokens());
          perTokenWithoutSampler.add((wall - session.nanos - model.samplerNanos) / g.stats().tokens());
          samplerNanos += model.samplerNanos;
          maskNanos += g.stats().maskNanos();
          tokens += g.stats().tokens();
          sampled += g.stats().sampledTokens();
        }
        System.out.printf("decoder, temperature %.1f, %s pass: %d tokens (%d sampled), masks %.1f us/token, "
            + "sampler %.1f us/sampled token, GC %d ms in the pass (the fake model allocates 800 KB a step)%n",
            temperature, round == 0 ? "first (cold masks)" : "repeat (warm masks)", tokens, sampled, maskNanos / 1000.0 / tokens,
            samplerNanos / 1000.0 / sampled, gcMillis() - gcBefore);
        report("  overhead per token, all but the model (per turn)", perToken);
        report("  overhead per token, all but the model and sampler", perTokenWithoutSampler);
      }
    }
  }

  /** Times the sampler: a step's time minus the fake model's share of it. */
  private static final class SamplerTimer implements StepModel {
    private final StepModel inner;
    private final FakeReplaySession session;
    long samplerNanos;

    SamplerTimer(StepModel inner, FakeReplaySession session) {
      this.inner = inner;
      this.session = session;
    }

    @Override
    public int length() {
      return inner.length();
    }

    @Override
    public void append(int... tokens) {
      inner.append(tokens);
    }

    @Override
    public void rewind(int length) {
      inner.rewind(length);
    }

    @Override
    public int next(BitSet allowed, SamplingOptions sampling, int step) {
      long s = System.nanoTime();
      long modelBefore = session.nanos;
      int token = inner.next(allowed, sampling, step);
      samplerNanos += System.nanoTime() - s - (session.nanos - modelBefore);
      return token;
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static long gcMillis() {
    long total = 0;
    for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static void report(String what, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.printf("%-60s no samples%n", what);
      return;
    }
    long median = sorted.get(sorted.size() / 2);
    long p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
    long max = sorted.get(sorted.size() - 1);
    System.out.printf("%-60s n=%5d  median %9.1f us  p99 %9.1f us  max %9.1f us%n", what, sorted.size(),
        median / 1000.0, p99 / 1000.0, max / 1000.0);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
