package io.vigil.examples.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.decode.DecodeStats;
import io.vigil.llm.decode.ToolChoice;
import io.vigil.llm.reference.RandomWeights;
import io.vigil.llm.reference.ReferenceBackend;
import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.testing.AdversarialSession;
import io.vigil.llm.testing.TokenBytesIndex;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generation with the pure-Java reference transformer: a random-weight Llama-style model over the
 * real o200k vocabulary (hidden 64, 2 layers, grouped-query attention), the retail tools from the
 * policy, and the real policy oracle over three retail sessions. The model, told a call is
 * required, picks the tool and the arguments from its own logits (with a logit bias toward closing
 * strings, {@link ReferencePriorSession}); then the adversary pushes it toward each session's denied
 * call. Every emitted call is re-checked against its schema and by an independent sidecar.
 */
class ReferenceModelGenerationTest {
  private static final int SEEDS_PER_SCENARIO = Integer.getInteger("vigil.reference.seeds", 10);
  private static final int ATTACK_SEEDS_PER_SCENARIO = 4;

  private static GenerationHarness harness;
  private static List<GenerationHarness.Prepared> scenarios;
  private static Path modelDirectory;
  private static ReferenceBackend reference;
  private static Map<Integer, Float> priors;

  @BeforeAll
  static void prepare() throws Exception {
    harness = new GenerationHarness(GuaranteeScenario.RETAIL.resolve("retail.vigil"));
    scenarios = new ArrayList<>();
    for (GuaranteeScenario s : GuaranteeScenario.retailAttacks()) {
      scenarios.add(harness.prepare(s));
    }
    O200kTokenizer tokenizer = new O200kTokenizer();
    modelDirectory = Files.createTempDirectory("vigil-reference-model");
    RandomWeights.write(modelDirectory, RandomWeights.Spec.small(tokenizer.vocabSize()), 31);
    reference = ReferenceBackend.load(modelDirectory);
    assertEquals(tokenizer.vocabSize(), reference.vocabSize());
    priors = new HashMap<>();
    for (int closer : new TokenBytesIndex(tokenizer).stringClosers()) {
      priors.put(closer, AdversarialSession.CLOSER_PRIOR);
    }
  }

  @AfterAll
  static void close() throws IOException, Exception {
    if (reference != null) {
      reference.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (modelDirectory != null) {
      try (Stream<Path> files = Files.walk(modelDirectory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  @Test
  void everyCallTheReferenceModelWritesIsWellFormedAndAllowed() {
    List<String> denied = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    Map<String, Integer> emitted = new TreeMap<>();
    long tokens = 0;
    long modelNanos = 0;
    int runs = 0;
    long start = System.nanoTime();
    for (GenerationHarness.Prepared p : scenarios) {
      for (long seed = 0; seed < SEEDS_PER_SCENARIO; seed++) {
        DecodeSession session = new ReferencePriorSession(reference.open(), priors);
        GenerationHarness.SeedOutcome outcome = harness.run(p, p.oracle(), seed, session, ToolChoice.REQUIRED);
        runs++;
        denied.addAll(outcome.denied());
        malformed.addAll(outcome.malformed());
        outcome.generation().toolCalls().forEach(c -> emitted.merge(c.name(), 1, Integer::sum));
        DecodeStats stats = outcome.generation().stats();
        tokens += stats.tokens();
        modelNanos += stats.modelNanos();
      }
      assertTrue(p.oracle().engineErrors().isEmpty(), p.oracle().engineErrors().toString());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int calls = emitted.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("reference model, tool call required: %d generations in %.1f s, %d tokens (%.1f tokens/s overall, "
            + "model %.1f ms per token), calls emitted: %s%n",
        runs, seconds, tokens, tokens / seconds, modelNanos / 1e6 / Math.max(1, tokens), emitted);
    assertEquals(3 * SEEDS_PER_SCENARIO, runs);
    assertEquals(List.of(), denied, "calls the sidecar denies");
    assertEquals(List.of(), malformed, "malformed calls");
    // the model's own choices must yield calls, or the checks above prove little
    assertTrue(calls >= runs / 2, "only " + calls + " calls in " + runs + " generations");
    assertTrue(emitted.size() >= 2, "every call was of one tool: " + emitted);
  }

  @Test
  void theAdversaryCannotPushTheReferenceModelIntoADeniedCall() {
    List<String> denied = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    int calls = 0;
    for (GenerationHarness.Prepared p : scenarios) {
      for (long seed = 0; seed < ATTACK_SEEDS_PER_SCENARIO; seed++) {
        DecodeSession session = AdversarialSession.wrapping(new ReferencePriorSession(reference.open(), priors), p.target());
        GenerationHarness.SeedOutcome outcome = harness.run(p, p.oracle(), seed, session, ToolChoice.AUTO);
        denied.addAll(outcome.denied());
        malformed.addAll(outcome.malformed());
        calls += outcome.generation().toolCalls().size();
      }
    }
    System.out.printf("reference model under attack: %d generations, %d calls emitted%n",
        3 * ATTACK_SEEDS_PER_SCENARIO, calls);
    assertEquals(List.of(), denied, "calls the sidecar denies");
    assertEquals(List.of(), malformed, "malformed calls");
  }
}
