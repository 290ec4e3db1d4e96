package io.vigil.guard.generate;

import io.vigil.llm.reference.RandomWeights;
import io.vigil.llm.reference.ReferenceBackend;
import io.vigil.llm.spi.LogitsBackend;
import io.vigil.llm.spi.TokenizerView;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The model a generating verb or sidecar runs: a backend and the tokenizer whose ids it speaks.
 * Either a Hugging Face model directory for the reference transformer, or a random-weight model
 * over the o200k vocabulary (no weights can be downloaded here; it generates noise, but noise that
 * the grammar and the policy still constrain).
 */
public final class ModelRuntime implements AutoCloseable {
  private final LogitsBackend backend;
  private final TokenizerView tokenizer;
  private final String description;

  private ModelRuntime(LogitsBackend backend, TokenizerView tokenizer, String description) {
    if (backend.vocabSize() != tokenizer.vocabSize()) {
      backend.close();
      throw new IllegalArgumentException("the model has " + backend.vocabSize() + " token ids but the tokenizer "
          + tokenizer.vocabSize() + ": they are not a pair");
    }
    this.backend = backend;
    this.tokenizer = tokenizer;
    this.description = description;
  }

  /**
   * The reference transformer over a Hugging Face directory whose vocabulary is o200k's (a model
   * written by {@link RandomWeights} for this tokenizer, or one trained on it).
   */
  public static ModelRuntime reference(Path modelDirectory) {
    return new ModelRuntime(ReferenceBackend.load(modelDirectory), new O200kTokenizer(), "reference model " + modelDirectory);
  }

  /** A small random-weight model over o200k, written to a temporary directory and loaded. */
  public static ModelRuntime random(long seed) {
    O200kTokenizer tokenizer = new O200kTokenizer();
    Path directory;
    try {
      directory = Files.createTempDirectory("vigil-random-model");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the random model", e);
    }
    try {
      RandomWeights.write(directory, RandomWeights.Spec.small(tokenizer.vocabSize()).withTiedEmbeddings(true), seed);
      return new ModelRuntime(ReferenceBackend.load(directory), tokenizer, "random reference model (seed " + seed + ")");
    } finally {
      deleteQuietly(directory);
    }
  }

  public LogitsBackend backend() {
    return backend;
  }

  public TokenizerView tokenizer() {
    return tokenizer;
  }

  public String description() {
    return description;
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  @Override
  public void close() {
    backend.close();
  }
}
