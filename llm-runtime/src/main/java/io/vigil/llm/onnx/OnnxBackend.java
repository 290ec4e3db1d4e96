package io.vigil.llm.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.LogitsBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A causal LM run by ONNX Runtime: a model exported in the Hugging Face / Optimum decoder-with-past
 * convention (see {@link OnnxSignature}), float32 logits and past key/values. The KV cache lives in
 * Java arrays owned by each session, so a rewind is a slice. CPU by default; CUDA with
 * {@link Options#cuda(int)}, which needs the {@code onnxruntime_gpu} artifact ({@code mvn -P gpu}).
 */
public final class OnnxBackend implements LogitsBackend {
  /** Where ONNX Runtime runs the model. */
  public enum Device {
    CPU,
    CUDA
  }

  /**
   * Execution settings. {@code intraOpThreads} 0 lets ONNX Runtime choose; {@code maxTokensPerRun}
   * caps the tokens of one run, since a run returns logits for all its positions;
   * {@code cachePrompt} lets a session whose first append repeats the previous session's take its
   * keys, values and logits instead of running them again (bit-identical: the same runs made them).
   */
  public record Options(Device device, int deviceId, int intraOpThreads, int maxTokensPerRun, boolean cachePrompt) {
    public Options {
      if (deviceId < 0 || intraOpThreads < 0 || maxTokensPerRun < 1) {
        throw new IllegalArgumentException("device id and threads must not be negative, tokens per run at least 1");
      }
    }

    public static Options cpu() {
      return new Options(Device.CPU, 0, 0, 64, true);
    }

    /** The CUDA execution provider on GPU {@code deviceId}; only the {@code onnxruntime_gpu} build has it. */
    public static Options cuda(int deviceId) {
      return new Options(Device.CUDA, deviceId, 0, 64, true);
    }

    public Options withIntraOpThreads(int threads) {
      return new Options(device, deviceId, threads, maxTokensPerRun, cachePrompt);
    }

    public Options withMaxTokensPerRun(int tokens) {
      return new Options(device, deviceId, intraOpThreads, tokens, cachePrompt);
    }

    public Options withPromptCache(boolean cache) {
      return new Options(device, deviceId, intraOpThreads, maxTokensPerRun, cache);
    }
  }

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final OnnxSignature signature;
  private final Options options;
  private final PromptCache promptCache = new PromptCache();

  private OnnxBackend(OrtEnvironment environment, OrtSession session, OnnxSignature signature, Options options) {
    this.environment = environment;
    this.session = session;
    this.signature = signature;
    this.options = options;
  }

  public static OnnxBackend load(Path model) {
    return load(model, Options.cpu());
  }

  public static OnnxBackend load(Path model, Options options) {
    if (!Files.isRegularFile(model)) {
      throw new OnnxBackendException("no ONNX model at " + model);
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
      // the same inputs give the same logits, which exact rewinds rely on
      sessionOptions.setDeterministicCompute(true);
      if (options.intraOpThreads() > 0) {
        sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.device() == Device.CUDA) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
          throw new OnnxBackendException("this ONNX Runtime build has no CUDA execution provider (it has "
              + OrtEnvironment.getAvailableProviders() + "): build with mvn -P gpu to use onnxruntime_gpu");
        }
        sessionOptions.addCUDA(options.deviceId());
      }
      session = environment.createSession(model.toString(), sessionOptions);
    } catch (OrtException e) {
      throw new OnnxBackendException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
    }
    try {
      OnnxSignature signature = OnnxSignature.discover(session.getInputInfo(), session.getOutputInfo());
      return new OnnxBackend(environment, session, signature, options);
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      if (e instanceof OnnxBackendException) {
        throw (OnnxBackendException) e;
      }
      throw new OnnxBackendException("cannot read the inputs and outputs of " + model + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return options.device() == Device.CUDA ? "onnx-cuda" : "onnx-cpu";
  }

  @Override
  public int vocabSize() {
    return signature.vocabSize();
  }

  public int layers() {
    return signature.layers();
  }

  @Override
  public DecodeSession open() {
    return new OnnxDecodeSession(environment, session, signature, options.maxTokensPerRun(),
        options.cachePrompt() ? promptCache : null);
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // closing releases native memory; nothing to recover
    }
  }
}
