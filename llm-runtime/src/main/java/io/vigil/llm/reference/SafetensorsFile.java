package io.vigil.llm.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw data, which is memory-mapped and read tensor by tensor.
 */
final class SafetensorsFile implements AutoCloseable {
  private static final long MAX_HEADER_BYTES = 100L << 20;
  /** One mapping at most this big, so that tensors over 2 GiB are read in pieces. */
  private static final long MAP_CHUNK_BYTES = 1L << 30;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorEntry> tensors;

  private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorEntry> tensors) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
  }

  static SafetensorsFile open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ModelLoadException("cannot open " + path + ": " + e.getMessage(), e);
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw new ModelLoadException(path + " is not a safetensors file: " + size + " bytes, shorter than the header length");
      }
      ByteBuffer lengthBytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
        throw new ModelLoadException(path + " is not a safetensors file: header length " + headerLength + " in a file of " + size + " bytes");
      }
      ByteBuffer headerBytes = channel.map(FileChannel.MapMode.READ_ONLY, 8, headerLength);
      byte[] header = new byte[(int) headerLength];
      headerBytes.get(header);
      long dataStart = 8 + headerLength;
      Map<String, TensorEntry> tensors = parseHeader(path, header, size - dataStart);
      return new SafetensorsFile(path, channel, dataStart, tensors);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ModelLoadException("cannot read " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static Map<String, TensorEntry> parseHeader(Path path, byte[] header, long dataSize) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(header);
    } catch (IOException e) {
      throw new ModelLoadException(path + ": the safetensors header is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(path + ": the safetensors header is not a JSON object");
    }
    Map<String, TensorEntry> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("__metadata__")) {
        continue;
      }
      TensorEntry entry = parseEntry(path, field.getKey(), field.getValue());
      if (entry.end() > dataSize) {
        throw new ModelLoadException(path + ": tensor '" + entry.name() + "' ends at byte " + entry.end()
            + " of a data section of " + dataSize + " bytes (truncated file?)");
      }
      tensors.put(entry.name(), entry);
    }
    return Collections.unmodifiableMap(tensors);
  }

  private static TensorEntry parseEntry(Path path, String name, JsonNode node) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
        || !offsets.isArray() || offsets.size() != 2) {
      throw new ModelLoadException(path + ": header entry for tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
        throw new ModelLoadException(path + ": tensor '" + name + "' has a bad shape " + shape);
      }
      dims[i] = shape.get(i).asLong();
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    if (begin < 0 || end < begin) {
      throw new ModelLoadException(path + ": tensor '" + name + "' has bad data_offsets " + offsets);
    }
    TensorEntry entry = new TensorEntry(name, dtype.asText(), dims, begin, end);
    Optional<Dtype> known = Dtype.fromSafetensors(entry.dtype());
    if (known.isPresent() && end - begin != entry.elementCount() * known.get().bytes()) {
      throw new ModelLoadException(path + ": tensor '" + name + "' of shape " + entry.shapeText() + " and dtype "
          + entry.dtype() + " needs " + entry.elementCount() * known.get().bytes() + " bytes, its data_offsets hold " + (end - begin));
    }
    return entry;
  }

  Path path() {
    return path;
  }

  Map<String, TensorEntry> tensors() {
    return tensors;
  }

  /** The tensor's elements widened to float32, in the file's (row-major) order. */
  float[] readFloats(TensorEntry entry) {
    Dtype dtype = Dtype.fromSafetensors(entry.dtype()).orElseThrow(() -> new ModelLoadException(
        path + ": tensor '" + entry.name() + "' has dtype " + entry.dtype() + "; supported: F32, F16, BF16"));
    long count = entry.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelLoadException(path + ": tensor '" + entry.name() + "' has " + count + " elements, more than a Java array holds");
    }
    float[] out = new float[(int) count];
    long elementsPerChunk = MAP_CHUNK_BYTES / dtype.bytes();
    try {
      for (long done = 0; done < count; done += elementsPerChunk) {
        int n = (int) Math.min(elementsPerChunk, count - done);
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
            dataStart + entry.begin() + done * dtype.bytes(), (long) n * dtype.bytes());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        dtype.decode(mapped, out, (int) done, n);
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read tensor '" + entry.name() + "' from " + path + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }
}
