package io.vigil.llm.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Writes tensors into a safetensors file, narrowing float32 values to the chosen dtype. */
public final class SafetensorsWriter {
  private record Tensor(String name, Dtype dtype, long[] shape, float[] data) {}

  private final List<Tensor> tensors = new ArrayList<>();

  public SafetensorsWriter add(String name, Dtype dtype, long[] shape, float[] data) {
    long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (count != data.length) {
      throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
          + count + " values, got " + data.length);
    }
    tensors.add(new Tensor(name, dtype, shape.clone(), data));
    return this;
  }

  public void write(Path file) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Tensor tensor : tensors) {
      long size = (long) tensor.data().length * tensor.dtype().bytes();
      ObjectNode entry = header.putObject(tensor.name());
      entry.put("dtype", tensor.dtype().name());
      Arrays.stream(tensor.shape()).forEach(entry.putArray("shape")::add);
      entry.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    // the data section starts 8-byte aligned; the header is padded with spaces
    int padded = (headerBytes.length + 7) & ~7;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(headerBytes);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(channel, prefix);
      ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor tensor : tensors) {
        for (float value : tensor.data()) {
          if (chunk.remaining() < 4) {
            chunk.flip();
            writeFully(channel, chunk);
            chunk.clear();
          }
          tensor.dtype().encode(value, chunk);
        }
      }
      chunk.flip();
      writeFully(channel, chunk);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
