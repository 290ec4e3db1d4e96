package io.vigil.llm.spi;

/**
 * A language model that scores next tokens: the reference transformer, ONNX Runtime, or anything
 * else that can return logits and rewind its KV cache.
 */
public interface LogitsBackend extends AutoCloseable {
  /** A short name for logs and benchmarks, e.g. {@code reference} or {@code onnx-cpu}. */
  String name();

  int vocabSize();

  /** A fresh decode session with an empty KV cache. */
  DecodeSession open();

  @Override
  void close();
}
