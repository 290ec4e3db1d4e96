package io.vigil.examples.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.DecodeStats;
import io.vigil.llm.decode.ToolChoice;
import io.vigil.llm.onnx.OnnxBackend;
import io.vigil.llm.onnx.RandomOnnxModel;
import io.vigil.llm.spi.ToolCall;
import io.vigil.llm.testing.AdversarialSession;
import io.vigil.llm.testing.TokenBytesIndex;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GenerationGuaranteeTest}'s attack driven through ONNX Runtime: the model is a random
 * attention LM over the o200k vocabulary, written as ONNX ({@link RandomOnnxModel}) and run by
 * {@link OnnxBackend} on the CPU; the adversary adds its bias toward the denied call to the ONNX
 * logits (no noise of its own: the ONNX model's logits decide everything the bias leaves open; the
 * model's output bias carries the standalone adversary's priors toward closing strings and ending
 * the turn).
 * 1,002 guarded generations over the three retail scenarios; every emitted call is re-checked by an
 * independent sidecar and against its schema. The ONNX model is kept tiny (hidden 8, one layer) so
 * the 200k-wide output projection stays cheap.
 */
class OnnxGuaranteeTest {
  /** 3 x 334 = 1,002 guarded generations; {@code -Dvigil.onnx.guarantee.seeds=N} changes it. */
  private static final int SEEDS_PER_SCENARIO = Integer.getInteger("vigil.onnx.guarantee.seeds", 334);
  private static final int UNGUARDED_SEEDS = 4;

  private static GenerationHarness harness;
  private static List<GenerationHarness.Prepared> scenarios;
  private static Path modelFile;
  private static OnnxBackend onnx;

  @BeforeAll
  static void prepare() throws Exception {
    harness = new GenerationHarness(GuaranteeScenario.RETAIL.resolve("retail.vigil"));
    scenarios = new ArrayList<>();
    int longestPrompt = 0;
    for (GuaranteeScenario s : GuaranteeScenario.retailAttacks()) {
      GenerationHarness.Prepared p = harness.prepare(s);
      scenarios.add(p);
      longestPrompt = Math.max(longestPrompt, p.prompt().length);
    }
    O200kTokenizer tokenizer = new O200kTokenizer();
    int vocab = tokenizer.vocabSize();
    RandomOnnxModel.Spec spec = new RandomOnnxModel.Spec(vocab, 8, 2, 1, longestPrompt + GenerationHarness.MAX_TOKENS + 64);
    // The standalone adversary's priors, here in the ONNX graph's output bias: a random LM would
    // otherwise ramble to the token limit in every string and every text turn.
    Map<Integer, Float> priors = new HashMap<>();
    for (int closer : new TokenBytesIndex(tokenizer).stringClosers()) {
      priors.put(closer, AdversarialSession.CLOSER_PRIOR);
    }
    priors.put(tokenizer.specials().endOfTurn(), AdversarialSession.END_PRIOR);
    modelFile = Files.createTempFile("vigil-onnx-guarantee", ".onnx");
    RandomOnnxModel.generate(spec, 20).withOutputBias(priors).write(modelFile);
    // one ONNX Runtime thread per run: two seeds run side by side on this machine's two cores
    onnx = OnnxBackend.load(modelFile, OnnxBackend.Options.cpu().withIntraOpThreads(1));
    assertEquals(vocab, onnx.vocabSize());
  }

  @AfterAll
  static void close() throws Exception {
    if (onnx != null) {
      onnx.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (modelFile != null) {
      Files.deleteIfExists(modelFile);
    }
  }

  private static GenerationHarness.SeedOutcome run(GenerationHarness.Prepared p, CallOracle oracle, long seed) {
    return harness.run(p, oracle, seed, AdversarialSession.wrapping(onnx.open(), p.target()), ToolChoice.AUTO);
  }

  @Test
  void theAttackThroughOnnxWorksWithoutThePolicy() {
    for (GenerationHarness.Prepared p : scenarios) {
      int emitted = 0;
      for (long seed = 0; seed < UNGUARDED_SEEDS; seed++) {
        for (ToolCall call : run(p, CallOracle.permissive(), seed).generation().toolCalls()) {
          if (call.name().equals(p.scenario().deniedTool()) && call.arguments().equals(p.scenario().deniedArguments())) {
            emitted++;
          }
        }
      }
      System.out.printf("onnx, unguarded, %s: the denied call came out in %d of %d seeds%n", p.scenario().name(), emitted,
          UNGUARDED_SEEDS);
      assertEquals(UNGUARDED_SEEDS, emitted, p.scenario().name() + ": without the policy the attack must get through");
    }
  }

  @Test
  void noDeniedAndNoMalformedCallComesOutOfOnnxUnderAttack() throws Exception {
    List<String> denied = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    long allStart = System.nanoTime();
    int runs = 0;
    int backtrackedRuns = 0;
    for (GenerationHarness.Prepared p : scenarios) {
      long start = System.nanoTime();
      int calls = 0;
      int backtracked = 0;
      long tokens = 0;
      long modelNanos = 0;
      Set<String> distinctTurns = new HashSet<>();
      for (GenerationHarness.SeedOutcome outcome : runSeeds(p)) {
        runs++;
        denied.addAll(outcome.denied());
        malformed.addAll(outcome.malformed());
        calls += outcome.generation().toolCalls().size();
        backtracked += outcome.backtracked() ? 1 : 0;
        DecodeStats stats = outcome.generation().stats();
        tokens += stats.tokens();
        modelNanos += stats.modelNanos();
        distinctTurns.add(outcome.generation().text() + outcome.generation().toolCalls());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("onnx, guarded, %s: %d seeds in %.1f s, %d calls emitted, backtracking in %d, %d distinct turns, "
              + "%.1f tokens per seed, model %.2f ms per token%n",
          p.scenario().name(), SEEDS_PER_SCENARIO, seconds, calls, backtracked, distinctTurns.size(),
          (double) tokens / SEEDS_PER_SCENARIO, modelNanos / 1e6 / Math.max(1, tokens));
      assertTrue(distinctTurns.size() > 1, p.scenario().name() + ": every seed wrote the same turn");
      assertTrue(p.oracle().engineErrors().isEmpty(), p.oracle().engineErrors().toString());
      backtrackedRuns += backtracked;
    }
    System.out.printf("onnx, guarded: %d generations in %.1f s%n", runs, (System.nanoTime() - allStart) / 1e9);
    // rewinds of the ONNX session's KV cache were exercised, not only masks
    assertTrue(backtrackedRuns > 0, "no generation backed out of a choice");
    assertEquals(3 * SEEDS_PER_SCENARIO, runs);
    assertEquals(List.of(), denied, "calls the sidecar denies");
    assertEquals(List.of(), malformed, "malformed calls");
  }

  /** Every seed of a scenario, two at a time (decoder, oracle, sidecar and ONNX session are thread-safe). */
  private static List<GenerationHarness.SeedOutcome> runSeeds(GenerationHarness.Prepared p) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<GenerationHarness.SeedOutcome>> futures = new ArrayList<>();
      for (long seed = 0; seed < SEEDS_PER_SCENARIO; seed++) {
        long s = seed;
        futures.add(pool.submit(() -> run(p, p.oracle(), s)));
      }
      List<GenerationHarness.SeedOutcome> out = new ArrayList<>();
      for (Future<GenerationHarness.SeedOutcome> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
