package io.vigil.llm.reference;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state after the most recent prompt: the first append of a session, a copy of its KV caches and
 * its logits. Generations over the same conversation feed the same prompt to fresh sessions; with
 * this they copy the caches instead of running the prompt again, with bit-identical results.
 */
final class PromptCache {
  record Entry(int[] prompt, KvCache[] caches, float[] logits) {}

  private final AtomicReference<Entry> last = new AtomicReference<>();

  /** The entry for exactly {@code prompt}, if it is the one held; its caches are to be copied, not used. */
  Entry lookup(int[] prompt) {
    Entry entry = last.get();
    return entry != null && Arrays.equals(entry.prompt(), prompt) ? entry : null;
  }

  void store(int[] prompt, KvCache[] caches, float[] logits) {
    KvCache[] copies = new KvCache[caches.length];
    for (int i = 0; i < caches.length; i++) {
      copies[i] = caches[i].copy();
    }
    last.set(new Entry(prompt.clone(), copies, logits.clone()));
  }
}
