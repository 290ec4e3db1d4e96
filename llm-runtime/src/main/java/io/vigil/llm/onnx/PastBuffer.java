package io.vigil.llm.onnx;

import java.nio.FloatBuffer;

/**
 * One layer's past keys or values, {@code [kv_heads][length][head_dim]}, in native memory: the
 * current past, fed to a run as it is, and a spare into which the run writes its present; the two
 * swap after the run. A rewind compacts the heads into the spare and swaps.
 */
final class PastBuffer {
  private FloatBuffer current = NativeBuffers.floats(64);
  private FloatBuffer spare = NativeBuffers.floats(64);

  /** The past of {@code size} elements, for an input tensor. */
  FloatBuffer past(int size) {
    return NativeBuffers.prefix(current, size);
  }

  /** Room for a present of {@code size} elements, for a pinned output tensor. */
  FloatBuffer present(int size) {
    if (spare.capacity() < size) {
      spare = NativeBuffers.floats(NativeBuffers.grow(spare.capacity(), size));
    }
    return NativeBuffers.prefix(spare, size);
  }

  /** The present written by the last run becomes the past. */
  void swap() {
    FloatBuffer previous = current;
    current = spare;
    spare = previous;
  }

  /** Keeps the first {@code newLength} of {@code oldLength} positions of each head. */
  void truncate(int heads, int oldLength, int newLength, int headDim) {
    FloatBuffer target = present(heads * newLength * headDim);
    for (int head = 0; head < heads; head++) {
      FloatBuffer from = current.duplicate();
      from.clear().position(head * oldLength * headDim).limit((head * oldLength + newLength) * headDim);
      target.put(from);
    }
    swap();
  }

  float[] copy(int size) {
    float[] out = new float[size];
    past(size).get(out);
    return out;
  }

  void load(float[] data) {
    present(data.length).put(data);
    swap();
  }
}
