package io.vigil.llm.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  /** Exactly representable in F16 and BF16 (few significant bits, moderate exponents). */
  private static final float[] VALUES = {0f, 1f, -1.5f, 0.25f, 3f, -0.125f};

  @Test
  void readsF32F16AndBf16TensorsAsFloats() {
    Path file = dir.resolve(Checkpoint.SINGLE_FILE);
    new SafetensorsWriter()
        .add("a", Dtype.F32, new long[] {2, 3}, VALUES)
        .add("b", Dtype.F16, new long[] {3, 2}, VALUES)
        .add("c", Dtype.BF16, new long[] {6}, VALUES)
        .write(file);
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertArrayEquals(VALUES, checkpoint.read("a", 2, 3));
      assertArrayEquals(VALUES, checkpoint.read("b", 3, 2));
      assertArrayEquals(VALUES, checkpoint.read("c", 6));
    }
  }

  @Test
  void f16TensorsHoldTheNearestHalfOfEachValue() {
    float[] values = {0.1f, 1e-5f, -1234.567f, 3.14159f};
    new SafetensorsWriter().add("x", Dtype.F16, new long[] {4}, values).write(dir.resolve(Checkpoint.SINGLE_FILE));
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      float[] read = checkpoint.read("x", 4);
      for (int i = 0; i < values.length; i++) {
        float value = values[i];
        float distance = Math.abs(read[i] - value);
        // no other half is closer: the neighbours of the stored half are at least as far
        short stored = HalfFloats.floatToHalf(value);
        float below = HalfFloats.halfToFloat((short) (stored - 1));
        float above = HalfFloats.halfToFloat((short) (stored + 1));
        assertTrue(distance <= Math.abs(below - value) && distance <= Math.abs(above - value), "value " + value);
      }
    }
  }

  @Test
  void shardedCheckpointsAreReadThroughTheIndex() throws IOException {
    new SafetensorsWriter().add("a", Dtype.F32, new long[] {6}, VALUES).write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter().add("b", Dtype.BF16, new long[] {6}, VALUES).write(dir.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
        "{\"metadata\": {}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertArrayEquals(VALUES, checkpoint.read("a", 6));
      assertArrayEquals(VALUES, checkpoint.read("b", 6));
    }
  }

  @Test
  void missingTensorWrongShapeAndUnsupportedDtypeAreNamed() throws IOException {
    String header = "{\"q\": {\"dtype\": \"I8\", \"shape\": [4], \"data_offsets\": [0, 4]},"
        + " \"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [4, 20]}}";
    writeRaw(dir.resolve(Checkpoint.SINGLE_FILE), header, 20);
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertMessage(assertThrows(ModelLoadException.class, () -> checkpoint.read("model.norm.weight", 4)), "missing tensor 'model.norm.weight'");
      assertMessage(assertThrows(ModelLoadException.class, () -> checkpoint.read("w", 4)), "tensor 'w'", "has shape [2, 2], expected [4]");
      assertMessage(assertThrows(ModelLoadException.class, () -> checkpoint.read("q", 4)), "tensor 'q' has dtype I8", "supported: F32, F16, BF16");
    }
  }

  @Test
  void truncatedAndMalformedFilesFailClearly() throws IOException {
    Path file = dir.resolve(Checkpoint.SINGLE_FILE);
    writeRaw(file, "{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8);
    assertMessage(assertThrows(ModelLoadException.class, () -> Checkpoint.open(dir)), "tensor 'w' ends at byte 16", "truncated");

    writeRaw(file, "{\"w\": {\"dtype\": \"F16\", \"shape\": [4], \"data_offsets\": [0, 4]}}", 4);
    assertMessage(assertThrows(ModelLoadException.class, () -> Checkpoint.open(dir)), "needs 8 bytes");

    writeRaw(file, "[1, 2, 3]", 0);
    assertMessage(assertThrows(ModelLoadException.class, () -> Checkpoint.open(dir)), "not a JSON object");

    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 1, 2});
    assertMessage(assertThrows(ModelLoadException.class, () -> Checkpoint.open(dir)), "not a safetensors file");

    Files.delete(file);
    assertMessage(assertThrows(ModelLoadException.class, () -> Checkpoint.open(dir)), "holds neither model.safetensors nor");
  }

  static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
  }

  private static void writeRaw(Path file, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    Files.write(file, buffer.array());
  }
}
