package io.vigil.llm.onnx;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state after the most recent prompt: the first append of a session, copies of its past keys
 * and values and its logits. Generations over the same conversation feed the same prompt to fresh
 * sessions; with this they copy the state in instead of running the prefill, whose runs return
 * logits for every prompt position. The arrays are only read.
 */
final class PromptCache {
  record Entry(int[] prompt, float[][] keys, float[][] values, float[] logits) {}

  private final AtomicReference<Entry> last = new AtomicReference<>();

  /** The entry for exactly {@code prompt}, if it is the one held. */
  Entry lookup(int[] prompt) {
    Entry entry = last.get();
    return entry != null && Arrays.equals(entry.prompt(), prompt) ? entry : null;
  }

  void store(int[] prompt, float[][] keys, float[][] values, float[] logits) {
    last.set(new Entry(prompt.clone(), keys.clone(), values.clone(), logits.clone()));
  }
}
