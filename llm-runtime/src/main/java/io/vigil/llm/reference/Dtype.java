package io.vigil.llm.reference;

import java.nio.ByteBuffer;
import java.util.Optional;

/** The safetensors element types the reference transformer reads, each widened to float32. */
public enum Dtype {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  Dtype(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** The dtype of a safetensors header's {@code dtype} string, empty when not supported here. */
  public static Optional<Dtype> fromSafetensors(String name) {
    for (Dtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return Optional.of(dtype);
      }
    }
    return Optional.empty();
  }

  /** Reads {@code count} little-endian elements from {@code in} into {@code out} from {@code offset}. */
  void decode(ByteBuffer in, float[] out, int offset, int count) {
    if (this == F32) {
      in.asFloatBuffer().get(out, offset, count);
      return;
    }
    for (int i = 0; i < count; i++) {
      short raw = in.getShort(in.position() + 2 * i);
      out[offset + i] = this == F16 ? HalfFloats.halfToFloat(raw) : HalfFloats.bfloat16ToFloat(raw);
    }
  }

  /** Writes {@code value} little-endian at the buffer's position (rounding to nearest even). */
  void encode(float value, ByteBuffer out) {
    if (this == F32) {
      out.putFloat(value);
    } else if (this == F16) {
      out.putShort(HalfFloats.floatToHalf(value));
    } else {
      out.putShort(HalfFloats.floatToBfloat16(value));
    }
  }
}
