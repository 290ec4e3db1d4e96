package io.vigil.llm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxBackendTest {
  private static final RandomOnnxModel.Spec SMALL = new RandomOnnxModel.Spec(500, 32, 4, 2, 128);

  @TempDir Path dir;

  @Test
  void logitsMatchAPlainJavaComputationOfTheSameModel() {
    RandomOnnxModel model = RandomOnnxModel.generate(SMALL, 11).withOutputBias(Map.of(3, 5f, 499, -2.5f));
    RandomOnnxModelMirror mirror = new RandomOnnxModelMirror(model);
    int[] tokens = new SplittableRandom(4).ints(24, 0, SMALL.vocabSize()).toArray();
    try (OnnxBackend backend = OnnxBackend.load(model.write(dir.resolve("m.onnx")))) {
      assertEquals(SMALL.vocabSize(), backend.vocabSize());
      assertEquals(2, backend.layers());
      try (DecodeSession session = backend.open()) {
        // one token per run first, then several per run (the graph's causal mask at work)
        for (int n = 1; n <= 10; n++) {
          assertClose(mirror.logitsAfter(Arrays.copyOf(tokens, n)), session.append(tokens[n - 1]), "after " + n);
        }
        float[] batched = session.append(Arrays.copyOfRange(tokens, 10, 24));
        assertClose(mirror.logitsAfter(tokens), batched, "after a run of 14");
        assertEquals(24, session.length());
      }
    }
    try (OnnxBackend chunked = OnnxBackend.load(dir.resolve("m.onnx"), OnnxBackend.Options.cpu().withMaxTokensPerRun(5));
        DecodeSession session = chunked.open()) {
      assertClose(mirror.logitsAfter(tokens), session.append(tokens), "in runs of 5");
    }
  }

  @Test
  void logitsAfterARewindEqualThoseOfAFreshSessionExactly() {
    Path file = RandomOnnxModel.generate(SMALL, 12).write(dir.resolve("m.onnx"));
    // without the prompt cache, so that the fresh session computes its first token itself
    try (OnnxBackend backend = OnnxBackend.load(file, OnnxBackend.Options.cpu().withPromptCache(false))) {
      float[] rewound;
      try (DecodeSession session = backend.open()) {
        session.append(1);
        session.append(2);
        session.append(3);
        session.rewind(1);
        assertEquals(1, session.length());
        session.append(200);
        rewound = session.append(499);
      }
      try (DecodeSession fresh = backend.open()) {
        fresh.append(1);
        fresh.append(200);
        assertArrayEquals(fresh.append(499), rewound, 0f);
      }
      // runs of several tokens: the same runs after the rewind point give the same logits
      try (DecodeSession session = backend.open(); DecodeSession fresh = backend.open()) {
        session.append(1, 2, 3);
        session.append(4, 5);
        session.rewind(3);
        fresh.append(1, 2, 3);
        assertArrayEquals(fresh.append(6, 7), session.append(6, 7), 0f);
      }
    }
  }

  @Test
  void aRepeatedPromptIsServedFromTheCacheWithTheSameResults() {
    Path file = RandomOnnxModel.generate(SMALL, 14).write(dir.resolve("m.onnx"));
    int[] prompt = new SplittableRandom(8).ints(30, 0, SMALL.vocabSize()).toArray();
    int[] other = prompt.clone();
    other[29] = (other[29] + 1) % SMALL.vocabSize();
    float[] uncachedPrompt;
    float[] uncachedNext;
    float[] uncachedOther;
    try (OnnxBackend plain = OnnxBackend.load(file, OnnxBackend.Options.cpu().withPromptCache(false))) {
      try (DecodeSession session = plain.open()) {
        uncachedPrompt = session.append(prompt);
        uncachedNext = session.append(17);
      }
      try (DecodeSession session = plain.open()) {
        uncachedOther = session.append(other);
      }
    }
    try (OnnxBackend cached = OnnxBackend.load(file)) {
      for (int round = 0; round < 3; round++) {
        try (DecodeSession session = cached.open()) {
          assertArrayEquals(uncachedPrompt, session.append(prompt), 0f, "round " + round);
          assertEquals(prompt.length, session.length());
          assertArrayEquals(uncachedNext, session.append(17), 0f, "round " + round);
          session.rewind(10);
          session.rewind(0);
          assertArrayEquals(uncachedPrompt, session.append(prompt), 0f, "after a rewind to 0, round " + round);
        }
      }
      try (DecodeSession session = cached.open()) {
        assertArrayEquals(uncachedOther, session.append(other), 0f);
      }
    }
    PromptCache cache = new PromptCache();
    cache.store(prompt, new float[1][0], new float[1][0], new float[] {1f});
    assertTrue(cache.lookup(prompt.clone()) != null);
    assertTrue(cache.lookup(other) == null);
    assertTrue(cache.lookup(Arrays.copyOf(prompt, 29)) == null);
  }

  @Test
  void sessionsRejectBadTokensAndRewinds() {
    Path file = RandomOnnxModel.generate(SMALL, 13).write(dir.resolve("m.onnx"));
    try (OnnxBackend backend = OnnxBackend.load(file); DecodeSession session = backend.open()) {
      session.append(5, 6);
      assertThrows(IllegalArgumentException.class, () -> session.append(SMALL.vocabSize()));
      assertThrows(IllegalArgumentException.class, () -> session.append());
      assertThrows(IllegalArgumentException.class, () -> session.rewind(3));
      assertEquals(2, session.length());
      session.rewind(0);
      assertEquals(0, session.length());
      assertEquals(SMALL.vocabSize(), session.append(7).length);
    }
  }

  @Test
  void anAppendThatFailsPartWayLeavesTheSessionAsItWas() {
    // positions past the model's 10 position embeddings make ONNX Runtime fail on the third run of 4
    RandomOnnxModel.Spec shortContext = new RandomOnnxModel.Spec(50, 8, 2, 1, 10);
    Path file = RandomOnnxModel.generate(shortContext, 3).write(dir.resolve("short.onnx"));
    OnnxBackend.Options options = OnnxBackend.Options.cpu().withMaxTokensPerRun(4).withPromptCache(false);
    try (OnnxBackend backend = OnnxBackend.load(file, options); DecodeSession session = backend.open()) {
      session.append(1, 2);
      assertMessage(assertThrows(OnnxBackendException.class, () -> session.append(new int[10])), "ONNX Runtime failed");
      assertEquals(2, session.length());
      try (DecodeSession fresh = backend.open()) {
        // the same runs as the session's: (1, 2), then (3)
        fresh.append(1, 2);
        assertArrayEquals(fresh.append(3), session.append(3), 0f);
      }
    }
  }

  @Test
  void modelsOutsideTheConventionAndMissingProvidersFailClearly() throws IOException {
    OnnxGraphWriter noPast = new OnnxGraphWriter("no_past")
        .input("input_ids", OnnxGraphWriter.INT64, "batch", "sequence")
        .output("logits", OnnxGraphWriter.FLOAT, "batch", "sequence")
        .node("Cast", new String[] {"input_ids"}, new String[] {"logits"}, OnnxGraphWriter.Attribute.ofInt("to", OnnxGraphWriter.FLOAT));
    Path noPastFile = Files.write(dir.resolve("no-past.onnx"), noPast.toModel(8, 17, "test"));
    assertMessage(assertThrows(OnnxBackendException.class, () -> OnnxBackend.load(noPastFile)),
        "no input past_key_values.0.key", "with past");

    Path garbage = Files.writeString(dir.resolve("garbage.onnx"), "not a model");
    assertMessage(assertThrows(OnnxBackendException.class, () -> OnnxBackend.load(garbage)), "ONNX Runtime cannot load");
    assertMessage(assertThrows(OnnxBackendException.class, () -> OnnxBackend.load(dir.resolve("absent.onnx"))), "no ONNX model at");

    Path good = RandomOnnxModel.generate(SMALL, 1).write(dir.resolve("m.onnx"));
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      // the CPU artifact (the default build) has no CUDA provider: say how to get it
      assertMessage(assertThrows(OnnxBackendException.class, () -> OnnxBackend.load(good, OnnxBackend.Options.cuda(0))),
          "no CUDA execution provider", "-P gpu");
    } else {
      try (OnnxBackend gpu = OnnxBackend.load(good, OnnxBackend.Options.cuda(0))) {
        assertEquals("onnx-cuda", gpu.name());
      }
    }
  }

  @Test
  void o200kSizedVocabularyTimePerToken() {
    int vocab = new O200kTokenizer().vocabSize();
    RandomOnnxModel.Spec spec = new RandomOnnxModel.Spec(vocab, 64, 4, 1, 1024);
    Path file = RandomOnnxModel.generate(spec, 5).write(dir.resolve("big.onnx"));
    try (OnnxBackend backend = OnnxBackend.load(file); DecodeSession session = backend.open()) {
      assertEquals(vocab, backend.vocabSize());
      int[] prompt = new SplittableRandom(3).ints(64, 0, vocab).toArray();
      long promptStart = System.nanoTime();
      float[] logits = session.append(prompt);
      double promptMs = (System.nanoTime() - promptStart) / 1e6;
      int warmup = 20;
      int measured = 100;
      long start = 0;
      for (int i = 0; i < warmup + measured; i++) {
        if (i == warmup) {
          start = System.nanoTime();
        }
        logits = session.append(argmax(logits));
      }
      double msPerToken = (System.nanoTime() - start) / 1e6 / measured;
      System.out.printf("onnx-cpu backend, vocab %d, hidden 64, 1 attention layer: prompt of 64 tokens %.1f ms, "
          + "%.2f ms/token over %d decode steps (context %d..%d)%n", vocab, promptMs, msPerToken, measured, 64 + warmup,
          session.length());
      assertEquals(64 + warmup + measured, session.length());
      for (float logit : logits) {
        assertTrue(Float.isFinite(logit));
      }
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

  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4, what + ", logit " + i);
    }
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
  }
}
