package io.vigil.llm.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Direct (native-order) buffers, which ONNX Runtime reads and writes in place: a heap buffer would
 * be copied into a fresh direct one on every run.
 */
final class NativeBuffers {
  private NativeBuffers() {}

  static FloatBuffer floats(int capacity) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(capacity, 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  static LongBuffer longs(int capacity) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(capacity, 8)).order(ByteOrder.nativeOrder()).asLongBuffer();
  }

  /** The first {@code size} elements of {@code buffer}, as a view positioned at 0. */
  static FloatBuffer prefix(FloatBuffer buffer, int size) {
    FloatBuffer view = buffer.duplicate();
    view.clear().limit(size);
    return view;
  }

  static LongBuffer prefix(LongBuffer buffer, int size) {
    LongBuffer view = buffer.duplicate();
    view.clear().limit(size);
    return view;
  }

  /** A capacity of at least {@code needed}, growing geometrically so that appends cost amortized O(1). */
  static int grow(int current, int needed) {
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, Math.max(64, 2L * current)));
  }
}
