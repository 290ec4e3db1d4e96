package io.vigil.llm.reference;

import java.util.Arrays;

/**
 * One tensor listed in a safetensors header: its dtype as written (possibly one not supported
 * here), shape, and byte range within the file's data section.
 */
record TensorEntry(String name, String dtype, long[] shape, long begin, long end) {
  long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  String shapeText() {
    return Arrays.toString(shape);
  }
}
