package io.vigil.llm.reference;

import static io.vigil.llm.reference.SafetensorsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceBackendTest {
  private static final int VOCAB = 1000;

  @TempDir Path dir;

  @Test
  void logitsAfterARewindEqualThoseOfAFreshSessionExactly() {
    // without the prompt cache, so that every fresh session computes its prompt itself
    try (ReferenceBackend backend = ReferenceBackend.load(RandomWeights.write(dir, RandomWeights.Spec.small(VOCAB), 7)).cachePrompt(false)) {
      int a = 11;
      int b = 12;
      int c = 13;
      int b2 = 512;
      int c2 = 999;
      float[] rewound;
      try (DecodeSession session = backend.open()) {
        session.append(a, b, c);
        session.rewind(1);
        assertEquals(1, session.length());
        session.append(b2);
        rewound = session.append(c2);
      }
      float[] fresh;
      try (DecodeSession session = backend.open()) {
        session.append(a);
        session.append(b2);
        fresh = session.append(c2);
      }
      assertArrayEquals(fresh, rewound, 0f);
      try (DecodeSession session = backend.open()) {
        float[] batched = session.append(a, b2, c2);
        // the same, because every value is computed as for one token at a time (see Transformer)
        assertArrayEquals(fresh, batched, 0f);
      }
    }
  }

  @Test
  void incrementalDecodingEqualsFullPrefixRecomputationExactly() {
    try (ReferenceBackend backend = ReferenceBackend.load(RandomWeights.write(dir, RandomWeights.Spec.small(VOCAB), 3)).cachePrompt(false)) {
      int[] tokens = new SplittableRandom(5).ints(40, 0, VOCAB).toArray();
      try (DecodeSession incremental = backend.open()) {
        for (int n = 1; n <= tokens.length; n++) {
          float[] stepwise = incremental.append(tokens[n - 1]);
          try (DecodeSession full = backend.open()) {
            assertArrayEquals(full.append(Arrays.copyOf(tokens, n)), stepwise, 0f, "prefix of " + n);
          }
        }
      }
    }
  }

  @Test
  void aRepeatedPromptIsServedFromTheCacheWithTheSameResults() {
    Path model = RandomWeights.write(dir, RandomWeights.Spec.small(VOCAB), 8);
    int[] prompt = new SplittableRandom(4).ints(25, 0, VOCAB).toArray();
    float[] expectedPrompt;
    float[] expectedNext;
    try (ReferenceBackend plain = ReferenceBackend.load(model).cachePrompt(false); DecodeSession session = plain.open()) {
      expectedPrompt = session.append(prompt);
      expectedNext = session.append(3, 4);
    }
    try (ReferenceBackend cached = ReferenceBackend.load(model)) {
      for (int round = 0; round < 3; round++) {
        try (DecodeSession session = cached.open()) {
          assertArrayEquals(expectedPrompt, session.append(prompt), 0f, "round " + round);
          assertEquals(prompt.length, session.length());
          // a session served from the cache owns its caches: appending and rewinding leave the entry intact
          assertArrayEquals(expectedNext, session.append(3, 4), 0f, "round " + round);
          session.rewind(5);
          session.append(9);
        }
      }
      PromptCache cache = new PromptCache();
      KvCache layer = new KvCache(2);
      layer.append(new float[] {1, 2}, new float[] {3, 4}, 1);
      cache.store(prompt, new KvCache[] {layer}, new float[] {1f});
      layer.truncate(0);
      assertEquals(1, cache.lookup(prompt.clone()).caches()[0].length(), "the cache holds a copy");
      assertTrue(cache.lookup(Arrays.copyOf(prompt, 24)) == null);
    }
  }

  @Test
  void resultsDoNotDependOnTheNumberOfThreads() {
    Path model = RandomWeights.write(dir, RandomWeights.Spec.small(50_000), 9);
    int[] tokens = new SplittableRandom(1).ints(30, 0, 50_000).toArray();
    float[] single;
    float[] parallel;
    try (ReferenceBackend backend = ReferenceBackend.load(model, 1); DecodeSession session = backend.open()) {
      single = session.append(tokens);
    }
    try (ReferenceBackend backend = ReferenceBackend.load(model, 3); DecodeSession session = backend.open()) {
      assertEquals(3, backend.threads());
      parallel = session.append(tokens);
    }
    assertArrayEquals(single, parallel, 0f);
  }

  @Test
  void matchesAPlainDoublePrecisionForwardPass() {
    for (RandomWeights.Spec spec : new RandomWeights.Spec[] {
        RandomWeights.Spec.small(VOCAB),
        RandomWeights.Spec.small(VOCAB).withQkvBias(true).withTiedEmbeddings(true).withHeads(4, 1),
        RandomWeights.Spec.small(VOCAB).withHeads(2, 2)}) {
      Path model = RandomWeights.write(dir.resolve(spec.qkvBias() + "-" + spec.kvHeads()), spec, 21);
      int[] tokens = new SplittableRandom(2).ints(12, 0, VOCAB).toArray();
      try (ReferenceBackend backend = ReferenceBackend.load(model); DecodeSession session = backend.open();
          Checkpoint checkpoint = Checkpoint.open(model)) {
        NaiveLlama naive = new NaiveLlama(backend.config(), checkpoint);
        for (int n : new int[] {1, 5, 12}) {
          session.rewind(0);
          float[] logits = session.append(Arrays.copyOf(tokens, n));
          double[] expected = naive.logitsAfter(Arrays.copyOf(tokens, n));
          // float32 sums of 64..128 products against double ones: 1e-4 relative to the logit scale
          double scale = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
          for (int i = 0; i < VOCAB; i++) {
            assertEquals(expected[i], logits[i], 1e-4 * Math.max(1, scale), spec + " logit " + i + " after " + n);
          }
        }
      }
    }
  }

  @Test
  void qwen2BiasesTiedEmbeddingsAndHalfPrecisionLoad() throws IOException {
    RandomWeights.Spec qwen = RandomWeights.Spec.small(VOCAB).withQkvBias(true).withTiedEmbeddings(true);
    Path qwenDir = RandomWeights.write(dir.resolve("qwen"), qwen, 4);
    try (ReferenceBackend backend = ReferenceBackend.load(qwenDir)) {
      assertEquals("qwen2", backend.config().modelType());
      assertTrue(backend.config().qkvBias() && backend.config().tiedEmbeddings());
      assertFinite(backend.open().append(1, 2, 3));
    }
    try (Checkpoint checkpoint = Checkpoint.open(qwenDir)) {
      assertFalse(checkpoint.has(TransformerWeights.LM_HEAD), "a tied model writes no lm_head");
    }
    for (Dtype dtype : new Dtype[] {Dtype.F16, Dtype.BF16}) {
      Path half = RandomWeights.write(dir.resolve(dtype.name()), RandomWeights.Spec.small(VOCAB).withDtype(dtype), 4);
      try (ReferenceBackend backend = ReferenceBackend.load(half)) {
        assertFinite(backend.open().append(5, 6));
      }
      assertTrue(Files.size(half.resolve(Checkpoint.SINGLE_FILE)) < Files.size(qwenDir.resolve(Checkpoint.SINGLE_FILE)));
    }
  }

  @Test
  void badModelDirectoriesFailNamingWhatIsWrong() throws IOException {
    Path model = RandomWeights.write(dir.resolve("m"), RandomWeights.Spec.small(VOCAB).withQkvBias(true), 1);
    Path config = model.resolve("config.json");
    String good = Files.readString(config);

    Files.writeString(config, good.replace("\"vocab_size\" : " + VOCAB, "\"vocab_size\" : 1001"));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)),
        "tensor 'model.embed_tokens.weight'", "has shape [1000, 64], expected [1001, 64]");

    Files.writeString(config, good.replace("\"qwen2\"", "\"gpt2\""));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)), "model_type 'gpt2' is not supported");

    Files.writeString(config, good.replace("\"hidden_size\"", "\"hidden_width\""));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)), "missing integer field 'hidden_size'");

    Files.writeString(config, good.replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3"));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)),
        "missing tensor 'model.layers.2.input_layernorm.weight'");

    Files.writeString(config, good.replace("\"num_key_value_heads\" : 2", "\"num_key_value_heads\" : 3"));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)), "not a multiple of num_key_value_heads 3");

    // a Llama config with attention_bias asks for an o_proj bias the Qwen2-style weights lack
    Files.writeString(config, good.replace("\"qwen2\"", "\"llama\"").replace("\"hidden_act\"", "\"attention_bias\" : true, \"hidden_act\""));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)),
        "missing tensor 'model.layers.0.self_attn.o_proj.bias'");

    Files.writeString(config, good.replace("\"hidden_act\"", "\"rope_scaling\" : {\"rope_type\" : \"yarn\", \"factor\" : 4}, \"hidden_act\""));
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)), "rope_scaling type 'yarn' is not supported");

    Files.delete(config);
    assertMessage(assertThrows(ModelLoadException.class, () -> ReferenceBackend.load(model)), "has no config.json");
  }

  @Test
  void sessionsRejectBadTokensAndRewindsAndStayUsable() {
    try (ReferenceBackend backend = ReferenceBackend.load(RandomWeights.write(dir, RandomWeights.Spec.small(VOCAB), 2));
        DecodeSession session = backend.open()) {
      session.append(1, 2);
      assertThrows(IllegalArgumentException.class, () -> session.append(VOCAB));
      assertThrows(IllegalArgumentException.class, () -> session.append());
      assertThrows(IllegalArgumentException.class, () -> session.rewind(3));
      assertEquals(2, session.length());
      float[] logits = session.append(3);
      try (DecodeSession fresh = backend.open()) {
        assertArrayEquals(fresh.append(1, 2, 3), logits, 0f);
      }
    }
  }

  @Test
  void o200kSizedVocabularyForwardTime() {
    int vocab = new O200kTokenizer().vocabSize();
    Path model = RandomWeights.write(dir, RandomWeights.Spec.small(vocab), 42);
    try (ReferenceBackend backend = ReferenceBackend.load(model); DecodeSession session = backend.open()) {
      int[] prompt = new SplittableRandom(3).ints(64, 0, vocab).toArray();
      long promptStart = System.nanoTime();
      float[] logits = session.append(prompt);
      double promptMs = (System.nanoTime() - promptStart) / 1e6;
      assertEquals(vocab, logits.length);
      assertFinite(logits);
      int warmup = 20;
      int measured = 100;
      int next = argmax(logits);
      long start = 0;
      for (int i = 0; i < warmup + measured; i++) {
        if (i == warmup) {
          start = System.nanoTime();
        }
        next = argmax(session.append(next));
      }
      double msPerToken = (System.nanoTime() - start) / 1e6 / measured;
      System.out.printf("reference backend, vocab %d, hidden 64, 2 layers, %d threads: prompt of 64 tokens %.1f ms, "
          + "%.2f ms/token over %d decode steps (context %d..%d)%n", vocab, backend.threads(), promptMs, msPerToken,
          measured, 64 + warmup, session.length());
      assertEquals(64 + warmup + measured, session.length());
    }
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void assertFinite(float[] logits) {
    for (float logit : logits) {
      assertTrue(Float.isFinite(logit), "non-finite logit " + logit);
    }
  }
}
