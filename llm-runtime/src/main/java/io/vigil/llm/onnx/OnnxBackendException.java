package io.vigil.llm.onnx;

/** ONNX Runtime could not load or run a model, or the model is not a causal LM with past key/values. */
public final class OnnxBackendException extends RuntimeException {
  public OnnxBackendException(String message) {
    super(message);
  }

  public OnnxBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
