package io.vigil.llm.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a Hugging Face model directory: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}. Reads a tensor by name, checking its shape.
 */
final class Checkpoint implements AutoCloseable {
  static final String SINGLE_FILE = "model.safetensors";
  static final String INDEX_FILE = "model.safetensors.index.json";

  private final Path directory;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> fileOf;

  private Checkpoint(Path directory, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
    this.directory = directory;
    this.files = files;
    this.fileOf = fileOf;
  }

  static Checkpoint open(Path directory) {
    Path single = directory.resolve(SINGLE_FILE);
    Path index = directory.resolve(INDEX_FILE);
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, SafetensorsFile> fileOf = new HashMap<>();
    try {
      if (Files.isRegularFile(single)) {
        SafetensorsFile file = SafetensorsFile.open(single);
        files.add(file);
        file.tensors().keySet().forEach(name -> fileOf.put(name, file));
      } else if (Files.isRegularFile(index)) {
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : readWeightMap(index).entrySet()) {
          SafetensorsFile shard = shards.get(entry.getValue());
          if (shard == null) {
            shard = SafetensorsFile.open(directory.resolve(entry.getValue()));
            shards.put(entry.getValue(), shard);
            files.add(shard);
          }
          if (!shard.tensors().containsKey(entry.getKey())) {
            throw new ModelLoadException(index + " places tensor '" + entry.getKey() + "' in " + entry.getValue() + ", which does not hold it");
          }
          fileOf.put(entry.getKey(), shard);
        }
      } else {
        throw new ModelLoadException(directory + " holds neither " + SINGLE_FILE + " nor " + INDEX_FILE);
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new Checkpoint(directory, files, fileOf);
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + index + ": " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new ModelLoadException(index + " has no weight_map object");
    }
    Map<String, String> weights = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String shard = entry.getValue().asText("");
      if (shard.isEmpty() || shard.contains("/") || shard.contains("\\")) {
        throw new ModelLoadException(index + ": tensor '" + entry.getKey() + "' maps to a bad shard name '" + shard + "'");
      }
      weights.put(entry.getKey(), shard);
    }
    return weights;
  }

  boolean has(String name) {
    return fileOf.containsKey(name);
  }

  /** The tensor as float32 in row-major order; fails naming it when missing or of another shape. */
  float[] read(String name, long... expectedShape) {
    SafetensorsFile file = fileOf.get(name);
    if (file == null) {
      throw new ModelLoadException("missing tensor '" + name + "' in " + directory);
    }
    TensorEntry entry = file.tensors().get(name);
    if (!Arrays.equals(entry.shape(), expectedShape)) {
      throw new ModelLoadException("tensor '" + name + "' in " + file.path() + " has shape " + entry.shapeText()
          + ", expected " + Arrays.toString(expectedShape));
    }
    return file.readFloats(entry);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
