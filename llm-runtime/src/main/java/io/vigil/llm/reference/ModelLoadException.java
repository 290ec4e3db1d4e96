package io.vigil.llm.reference;

/**
 * A model directory that cannot be loaded: a missing file or tensor, a tensor of the wrong shape or
 * of an unsupported dtype, or a config this transformer does not implement. The message names it.
 */
public final class ModelLoadException extends RuntimeException {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
