package io.vigil.llm.reference;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.LogitsBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pure-Java reference transformer as a logits backend: loads a Hugging Face Llama / Qwen2 /
 * Mistral model directory ({@code config.json} and safetensors weights in F32, F16 or BF16, widened
 * to float32 in memory) and runs it on the CPU. Sessions share the weights and the thread pool.
 */
public final class ReferenceBackend implements LogitsBackend {
  private final Transformer model;
  private final ParallelLoop loop;
  private final PromptCache promptCache = new PromptCache();
  private volatile boolean cachePrompt = true;

  private ReferenceBackend(Transformer model, ParallelLoop loop) {
    this.model = model;
    this.loop = loop;
  }

  /**
   * Whether a session whose first append repeats the previous session's copies its KV caches and
   * logits instead of running the prompt again (on by default; the results are bit-identical).
   */
  public ReferenceBackend cachePrompt(boolean cache) {
    this.cachePrompt = cache;
    return this;
  }

  /** Loads {@code directory} and computes on one thread per available processor. */
  public static ReferenceBackend load(Path directory) {
    return load(directory, Runtime.getRuntime().availableProcessors());
  }

  public static ReferenceBackend load(Path directory, int threads) {
    Path configFile = directory.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new ModelLoadException(directory + " has no config.json");
    }
    ModelConfig config = ModelConfig.read(configFile);
    TransformerWeights weights;
    try (Checkpoint checkpoint = Checkpoint.open(directory)) {
      weights = TransformerWeights.load(checkpoint, config);
    }
    ParallelLoop loop = new ParallelLoop(threads);
    return new ReferenceBackend(new Transformer(config, weights, loop), loop);
  }

  public ModelConfig config() {
    return model.config();
  }

  public int threads() {
    return loop.threads();
  }

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public int vocabSize() {
    return model.config().vocabSize();
  }

  @Override
  public DecodeSession open() {
    return new ReferenceSession(model, cachePrompt ? promptCache : null);
  }

  @Override
  public void close() {
    loop.close();
  }
}
