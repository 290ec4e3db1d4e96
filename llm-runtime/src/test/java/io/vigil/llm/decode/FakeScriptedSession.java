package io.vigil.llm.decode;

import io.vigil.llm.spi.DecodeSession;
import io.vigil.llm.spi.TokenizerView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake model (no real model runs in these tests) with strong, ranked preferences: it scores highest
 * the tokens that continue its first script (the generated text so far plus the token is a prefix of
 * it), then those continuing its second script, and so on; tokens that continue no script get low
 * scores. Texts are compared as symbols: bytes 0-255 and, for a special token, a symbol of its own,
 * so a special token's name in a script matches only the special token itself, as a real model
 * emits it (unless {@code specialNames} is false: then the name is plain characters to spell out).
 * Logits depend only on the tokens in the cache, so rewinding behaves like a real KV cache.
 */
class FakeScriptedSession implements DecodeSession {
  private final int promptLength;
  private final List<int[]> scripts = new ArrayList<>();
  private final int[][] symbols;
  private final List<Integer> tokens = new ArrayList<>();

  FakeScriptedSession(TokenizerView vocabulary, int promptLength, List<String> scripts) {
    this(vocabulary, promptLength, scripts, true);
  }

  FakeScriptedSession(TokenizerView vocabulary, int promptLength, List<String> scripts, boolean specialNames) {
    this.promptLength = promptLength;
    this.symbols = new int[vocabulary.vocabSize()][];
    Map<String, Integer> specials = new LinkedHashMap<>();
    for (int id = 0; id < symbols.length; id++) {
      if (vocabulary.isSpecial(id)) {
        symbols[id] = new int[] {256 + id};
        String name = vocabulary.decode(new int[] {id});
        if (!name.isEmpty() && specialNames) {
          specials.put(name, 256 + id);
        }
      } else {
        byte[] bytes = vocabulary.tokenBytes(id);
        symbols[id] = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          symbols[id][i] = bytes[i] & 0xFF;
        }
      }
    }
    for (String script : scripts) {
      List<Integer> out = new ArrayList<>();
      int i = 0;
      outer:
      while (i < script.length()) {
        for (Map.Entry<String, Integer> special : specials.entrySet()) {
          if (script.startsWith(special.getKey(), i)) {
            out.add(special.getValue());
            i += special.getKey().length();
            continue outer;
          }
        }
        int cp = script.codePointAt(i);
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.add(b & 0xFF);
        }
        i += Character.charCount(cp);
      }
      this.scripts.add(out.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  @Override
  public int length() {
    return tokens.size();
  }

  @Override
  public float[] append(int... ids) {
    for (int id : ids) {
      tokens.add(id);
    }
    return logits();
  }

  @Override
  public void rewind(int length) {
    while (tokens.size() > length) {
      tokens.remove(tokens.size() - 1);
    }
  }

  private float[] logits() {
    List<Integer> generated = new ArrayList<>();
    for (int i = promptLength; i < tokens.size(); i++) {
      for (int symbol : symbols[tokens.get(i)]) {
        generated.add(symbol);
      }
    }
    float[] logits = new float[symbols.length];
    Arrays.fill(logits, -20f);
    for (int id = 0; id < symbols.length; id++) {
      // A small deterministic spread so that ties do not hide ordering bugs.
      logits[id] += (float) ((id * 2654435761L % 1000) / 1000.0);
    }
    for (int rank = scripts.size() - 1; rank >= 0; rank--) {
      int[] script = scripts.get(rank);
      if (!continues(script, 0, generated)) {
        continue;
      }
      for (int id = 0; id < symbols.length; id++) {
        int[] piece = symbols[id];
        if (piece.length > 0 && continues(script, generated.size(), piece)) {
          logits[id] = 100f - 10f * rank + piece.length * 0.5f;
        }
      }
    }
    return logits;
  }

  private static boolean continues(int[] script, int at, List<Integer> prefix) {
    if (at + prefix.size() > script.length) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      if (script[at + i] != prefix.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean continues(int[] script, int at, int[] piece) {
    if (at + piece.length > script.length) {
      return false;
    }
    for (int i = 0; i < piece.length; i++) {
      if (script[at + i] != piece[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {}
}
