package io.vigil.llm.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (ModelProto) and serializes it with protobuf's wire format, field by field:
 * enough of the format for graphs of standard operators with float and int64 initializers.
 */
final class OnnxGraphWriter {
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int BOOL = 9;

  // AttributeProto.AttributeType
  private static final int ATTRIBUTE_FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_INTS = 7;

  private final String name;
  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();
  private int nodeCount;

  OnnxGraphWriter(String name) {
    this.name = name;
  }

  /** A node attribute, already encoded. */
  record Attribute(byte[] encoded) {
    static Attribute ofInt(String name, long value) {
      return new Attribute(new Message().string(1, name).int32(20, ATTRIBUTE_INT).int64(3, value).toByteArray());
    }

    static Attribute ofInts(String name, long... values) {
      Message message = new Message().string(1, name).int32(20, ATTRIBUTE_INTS);
      for (long value : values) {
        message.int64(8, value);
      }
      return new Attribute(message.toByteArray());
    }

    static Attribute ofFloat(String name, float value) {
      return new Attribute(new Message().string(1, name).int32(20, ATTRIBUTE_FLOAT).float32(2, value).toByteArray());
    }
  }

  /**
   * A graph input or output. Each dimension is a {@code Long} (fixed) or a {@code String} (a named
   * dynamic dimension).
   */
  OnnxGraphWriter input(String valueName, int elementType, Object... dims) {
    inputs.add(valueInfo(valueName, elementType, dims));
    return this;
  }

  OnnxGraphWriter output(String valueName, int elementType, Object... dims) {
    outputs.add(valueInfo(valueName, elementType, dims));
    return this;
  }

  OnnxGraphWriter floats(String tensorName, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    initializers.add(tensor(tensorName, FLOAT, dims, raw.array()));
    return this;
  }

  OnnxGraphWriter longs(String tensorName, long[] dims, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    initializers.add(tensor(tensorName, INT64, dims, raw.array()));
    return this;
  }

  OnnxGraphWriter node(String opType, String[] nodeInputs, String[] nodeOutputs, Attribute... attributes) {
    Message node = new Message();
    for (String input : nodeInputs) {
      node.string(1, input);
    }
    for (String output : nodeOutputs) {
      node.string(2, output);
    }
    node.string(3, opType + "_" + nodeCount++).string(4, opType);
    for (Attribute attribute : attributes) {
      node.delimited(5, attribute.encoded());
    }
    nodes.add(node.toByteArray());
    return this;
  }

  /** One-output shorthand. */
  OnnxGraphWriter node(String opType, String output, String... nodeInputs) {
    return node(opType, nodeInputs, new String[] {output});
  }

  byte[] toModel(long irVersion, long opsetVersion, String producer) {
    Message graph = new Message();
    nodes.forEach(node -> graph.delimited(1, node));
    graph.string(2, name);
    initializers.forEach(tensor -> graph.delimited(5, tensor));
    inputs.forEach(input -> graph.delimited(11, input));
    outputs.forEach(output -> graph.delimited(12, output));
    Message opset = new Message().string(1, "").int64(2, opsetVersion);
    return new Message()
        .int64(1, irVersion)
        .string(2, producer)
        .delimited(7, graph.toByteArray())
        .delimited(8, opset.toByteArray())
        .toByteArray();
  }

  private static byte[] tensor(String tensorName, int elementType, long[] dims, byte[] raw) {
    Message tensor = new Message();
    for (long dim : dims) {
      tensor.int64(1, dim);
    }
    return tensor.int32(2, elementType).string(8, tensorName).delimited(9, raw).toByteArray();
  }

  private static byte[] valueInfo(String valueName, int elementType, Object... dims) {
    Message shape = new Message();
    for (Object dim : dims) {
      Message dimension = new Message();
      if (dim instanceof Long) {
        dimension.int64(1, (Long) dim);
      } else if (dim instanceof Integer) {
        dimension.int64(1, (Integer) dim);
      } else {
        dimension.string(2, (String) dim);
      }
      shape.delimited(1, dimension.toByteArray());
    }
    Message tensorType = new Message().int32(1, elementType).delimited(2, shape.toByteArray());
    Message type = new Message().delimited(1, tensorType.toByteArray());
    return new Message().string(1, valueName).delimited(2, type.toByteArray()).toByteArray();
  }

  /** One protobuf message being written; nested messages are written as length-delimited bytes. */
  private static final class Message {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

    Message string(int field, String value) {
      try {
        out.writeString(field, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message int64(int field, long value) {
      try {
        out.writeInt64(field, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message int32(int field, int value) {
      try {
        out.writeInt32(field, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message float32(int field, float value) {
      try {
        out.writeFloat(field, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message delimited(int field, byte[] value) {
      try {
        out.writeByteArray(field, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    byte[] toByteArray() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer.toByteArray();
    }
  }
}
