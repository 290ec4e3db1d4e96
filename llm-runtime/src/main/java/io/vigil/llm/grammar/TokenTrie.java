package io.vigil.llm.grammar;

import io.vigil.llm.spi.TokenizerView;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Every ordinary token's byte string in one trie, stored as flat arrays: node {@code n}'s children
 * are {@code childByte/childNode[childFirst[n] .. childFirst[n + 1])}; the tokens of its subtree are
 * {@code sorted[subtreeLo[n] .. subtreeHi[n])} (byte order keeps a subtree contiguous) and those
 * ending exactly at it are the first {@code endCount[n]} of them. {@code pureString[n]} marks
 * subtrees whose every token continues plain string content (whole UTF-8 characters, no quote,
 * backslash or control character) from the node on: inside a free string they are all allowed at
 * once.
 */
public final class TokenTrie {
  final int vocabSize;
  final int[] sorted;
  final int[] childFirst;
  final byte[] childByte;
  final int[] childNode;
  final int[] subtreeLo;
  final int[] subtreeHi;
  final int[] endCount;
  final BitSet pureString;
  /**
   * Tokens that are whole characters of plain string content from start to end: allowed in every
   * plain string state whatever follows the string (null in the impure trie).
   */
  final BitSet pureTokens;
  /** The trie of the other tokens, the only ones a plain string state must walk (null in itself). */
  final TokenTrie impure;
  private final BitSet ordinary;
  private final int maxTokenLength;

  private static final Map<TokenizerView, TokenTrie> SHARED = new WeakHashMap<>();

  /** The trie of {@code tokenizer}, built once per tokenizer instance and shared (building o200k's takes a while). */
  public static TokenTrie of(TokenizerView tokenizer) {
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(tokenizer, TokenTrie::new);
    }
  }

  public TokenTrie(TokenizerView tokenizer) {
    this(bytesOf(tokenizer), ordinaryOf(tokenizer), true);
  }

  private static byte[][] bytesOf(TokenizerView tokenizer) {
    byte[][] bytes = new byte[tokenizer.vocabSize()][];
    for (int id = 0; id < bytes.length; id++) {
      byte[] b = tokenizer.tokenBytes(id);
      bytes[id] = !tokenizer.isSpecial(id) && b.length > 0 ? b : null;
    }
    return bytes;
  }

  private static BitSet ordinaryOf(TokenizerView tokenizer) {
    BitSet ordinary = new BitSet(tokenizer.vocabSize());
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      if (!tokenizer.isSpecial(id) && tokenizer.tokenBytes(id).length > 0) {
        ordinary.set(id);
      }
    }
    return ordinary;
  }

  /** The trie of the tokens in {@code members}; with {@code splitPure}, also the pure set and the trie of the rest. */
  private TokenTrie(byte[][] bytes, BitSet members, boolean splitPure) {
    this.vocabSize = bytes.length;
    this.ordinary = (BitSet) members.clone();
    int count = members.cardinality();
    int longest = 0;
    Integer[] order = new Integer[count];
    int k = 0;
    for (int id = members.nextSetBit(0); id >= 0; id = members.nextSetBit(id + 1)) {
      order[k++] = id;
      longest = Math.max(longest, bytes[id].length);
    }
    maxTokenLength = longest;
    Arrays.sort(order, (x, y) -> {
      int c = Arrays.compareUnsigned(bytes[x], bytes[y]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    sorted = new int[count];
    for (int i = 0; i < count; i++) {
      sorted[i] = order[i];
    }

    // Breadth-first, so that each node's children take consecutive numbers.
    IntArray lo = new IntArray();
    IntArray hi = new IntArray();
    IntArray depth = new IntArray();
    IntArray ends = new IntArray();
    IntArray first = new IntArray();
    IntArray cNode = new IntArray();
    ByteArray cByte = new ByteArray();
    lo.add(0);
    hi.add(count);
    depth.add(0);
    for (int n = 0; n < lo.size(); n++) {
      int a = lo.get(n);
      int z = hi.get(n);
      int d = depth.get(n);
      int i = a;
      while (i < z && bytes[sorted[i]].length == d) {
        i++;
      }
      ends.add(i - a);
      first.add(cNode.size());
      while (i < z) {
        byte b = bytes[sorted[i]][d];
        int j = i + 1;
        while (j < z && bytes[sorted[j]][d] == b) {
          j++;
        }
        cByte.add(b);
        cNode.add(lo.size());
        lo.add(i);
        hi.add(j);
        depth.add(d + 1);
        i = j;
      }
    }
    first.add(cNode.size());
    int nodes = lo.size();
    subtreeLo = lo.toArray();
    subtreeHi = hi.toArray();
    endCount = ends.toArray();
    childFirst = first.toArray();
    childNode = cNode.toArray();
    childByte = cByte.toArray();

    pureString = new BitSet(nodes);
    boolean[][] pureSuffix = new boolean[vocabSize][];
    for (int id = members.nextSetBit(0); id >= 0; id = members.nextSetBit(id + 1)) {
      pureSuffix[id] = pureSuffixes(bytes[id]);
    }
    int[] depths = depth.toArray();
    for (int n = 0; n < nodes; n++) {
      boolean pure = true;
      for (int t = subtreeLo[n]; t < subtreeHi[n] && pure; t++) {
        pure = pureSuffix[sorted[t]][depths[n]];
      }
      if (pure) {
        pureString.set(n);
      }
    }
    if (splitPure) {
      pureTokens = new BitSet(vocabSize);
      for (int id = members.nextSetBit(0); id >= 0; id = members.nextSetBit(id + 1)) {
        if (pureSuffix[id][0]) {
          pureTokens.set(id);
        }
      }
      BitSet rest = (BitSet) members.clone();
      rest.andNot(pureTokens);
      impure = new TokenTrie(bytes, rest, false);
    } else {
      pureTokens = null;
      impure = null;
    }
  }

  /** {@code out[d]}: the bytes from {@code d} on are whole characters of plain string content. */
  private static boolean[] pureSuffixes(byte[] token) {
    boolean[] out = new boolean[token.length + 1];
    out[token.length] = true;
    for (int d = token.length - 1; d >= 0; d--) {
      int sub = Utf8.BOUNDARY;
      int i = d;
      do {
        int b = token[i] & 0xFF;
        if (sub == Utf8.BOUNDARY && (b == '"' || b == '\\' || b < 0x20)) {
          sub = -1;
          break;
        }
        sub = Utf8.step(sub, b);
        i++;
      } while (sub > 0 && i < token.length);
      out[d] = sub == Utf8.BOUNDARY && out[i];
    }
    return out;
  }

  public int vocabSize() {
    return vocabSize;
  }

  /** Tokens with a byte string (not special, not unused): the ones the grammar and plain text may use. */
  public BitSet ordinaryTokens() {
    return (BitSet) ordinary.clone();
  }

  public int nodeCount() {
    return subtreeLo.length;
  }

  public int maxTokenLength() {
    return maxTokenLength;
  }

  private static final class IntArray {
    private int[] data = new int[1024];
    private int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int get(int i) {
      return data[i];
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  private static final class ByteArray {
    private byte[] data = new byte[1024];
    private int size;

    void add(byte v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    byte[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
