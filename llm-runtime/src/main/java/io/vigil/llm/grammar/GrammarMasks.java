package io.vigil.llm.grammar;

import java.io.ByteArrayOutputStream;
import java.util.BitSet;
import io.vigil.llm.schema.ToolSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token masks of grammar states: the ordinary tokens whose whole byte string the automaton accepts
 * from a state (a token may end at a slot but not pass it). Computed by walking the token trie
 * alongside the automaton and cut short inside free strings; cached per state in a bounded LRU
 * shared by every generation over the same grammar and vocabulary. Also the forced byte run of a
 * state: the bytes the grammar admits as the only continuation.
 */
public final class GrammarMasks {
  private final ToolCallGrammar grammar;
  private final TokenTrie trie;
  private final Map<GrammarState, BitSet> masks;
  private final Map<GrammarState, byte[]> forced;
  private long hits;
  private long misses;

  /** Entries per cache (a 200k-token mask is 25 KB, so at most about 25 MB). */
  public static final int DEFAULT_CAPACITY = 1024;

  private static final Map<List<Object>, GrammarMasks> SHARED = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Object>, GrammarMasks> eldest) {
      return size() > 8;
    }
  };

  /**
   * The masks of the grammar of {@code tools} over {@code trie}, shared by every decoder built for
   * equal tool lists on the same vocabulary (the last few such pairs are kept), so a server that
   * makes a decoder per request still hits warm masks.
   */
  public static GrammarMasks shared(TokenTrie trie, List<ToolSchema> tools) {
    List<Object> key = List.of(trie, List.copyOf(tools));
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(key, k -> new GrammarMasks(new ToolCallGrammar(tools), trie, DEFAULT_CAPACITY));
    }
  }

  public GrammarMasks(ToolCallGrammar grammar, TokenTrie trie, int capacity) {
    this.grammar = grammar;
    this.trie = trie;
    this.masks = lru(capacity);
    this.forced = lru(capacity);
  }

  private static <V> Map<GrammarState, V> lru(int capacity) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<GrammarState, V> eldest) {
        return size() > capacity;
      }
    };
  }

  public ToolCallGrammar grammar() {
    return grammar;
  }

  public TokenTrie trie() {
    return trie;
  }

  /** The allowed ordinary tokens from {@code state}. Shared and cached: callers must not modify it. */
  public BitSet allowed(GrammarState state) {
    synchronized (masks) {
      BitSet cached = masks.get(state);
      if (cached != null) {
        hits++;
        return cached;
      }
    }
    BitSet mask = compute(state);
    synchronized (masks) {
      misses++;
      masks.put(state, mask);
    }
    return mask;
  }

  /** Whether {@code state}'s mask is cached (for benchmarks that separate cold from warm). */
  public boolean cached(GrammarState state) {
    synchronized (masks) {
      return masks.containsKey(state);
    }
  }

  /** The mask, computed afresh without the cache. */
  public BitSet compute(GrammarState state) {
    if (grammar.inPlainString(state)) {
      // Copying the pure tokens costs a memcpy; setting 200k bits one by one costs milliseconds.
      BitSet out = (BitSet) trie.pureTokens.clone();
      walk(trie.impure, 0, state, out);
      return out;
    }
    BitSet out = new BitSet(trie.vocabSize);
    walk(trie, 0, state, out);
    return out;
  }

  private void walk(TokenTrie t, int node, GrammarState state, BitSet out) {
    for (int i = t.childFirst[node], end = t.childFirst[node + 1]; i < end; i++) {
      GrammarState next = state.feed(t.childByte[i] & 0xFF, null);
      if (next == null) {
        continue;
      }
      int child = t.childNode[i];
      int lo = t.subtreeLo[child];
      if (t.pureString.get(child) && grammar.inPlainString(next)) {
        for (int k = lo, hi = t.subtreeHi[child]; k < hi; k++) {
          out.set(t.sorted[k]);
        }
        continue;
      }
      for (int k = lo, hi = lo + t.endCount[child]; k < hi; k++) {
        out.set(t.sorted[k]);
      }
      if (t.childFirst[child] < t.childFirst[child + 1]) {
        walk(t, child, next, out);
      }
    }
  }

  /**
   * The bytes that must follow {@code state} because the grammar admits exactly one byte at each
   * step; stops at a slot, at the end of the call, or where a choice opens, and is cut back to whole
   * UTF-8 characters (so it can be tokenized as text).
   */
  public byte[] forcedBytes(GrammarState state) {
    synchronized (forced) {
      byte[] cached = forced.get(state);
      if (cached != null) {
        return cached;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GrammarState s = state;
    while (s != null && grammar.slotAt(s) == null && !grammar.isComplete(s)) {
      int only = -1;
      GrammarState next = null;
      for (int b = 0; b < 256; b++) {
        GrammarState n = s.feed(b, null);
        if (n != null) {
          if (only >= 0) {
            only = -2;
            break;
          }
          only = b;
          next = n;
        }
      }
      if (only < 0) {
        break;
      }
      out.write(only);
      s = next;
    }
    byte[] run = out.toByteArray();
    byte[] result = java.util.Arrays.copyOf(run, Utf8.completePrefix(run, run.length));
    synchronized (forced) {
      forced.put(state, result);
    }
    return result;
  }

  public long hits() {
    synchronized (masks) {
      return hits;
    }
  }

  public long misses() {
    synchronized (masks) {
      return misses;
    }
  }
}
