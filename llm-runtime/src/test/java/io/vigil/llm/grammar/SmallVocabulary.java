package io.vigil.llm.grammar;

import io.vigil.llm.spi.ChatTemplate;
import io.vigil.llm.spi.SpecialTokens;
import io.vigil.llm.spi.TokenizerView;
import io.vigil.llm.tokenizer.ChatMlTemplate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small real tokenizer for tests: every single byte, a few hundred multi-byte pieces of JSON and
 * words (some that cross grammar boundaries, such as {@code "}} or {@code ": "}), and the ChatML
 * specials; encoding is greedy longest match.
 */
public final class SmallVocabulary implements TokenizerView {
  private static final List<String> PIECES = List.of(
      "{\"", "{\"name\": \"", "\"name\"", "name", "\": \"", "\": ", "\", \"", "\", ", ", \"", "\"}", "\"}}", "}}", "}",
      "arguments", "\"arguments\": {", "\": {\"", "\"]", "[\"", "\", \"", "]}", "]}}", "[", "]",
      "order", "_id", "order_id", "get", "_order", "_details", "cancel", "refund", "delete", "account", "user",
      "reason", "amount", "items", "#W", "W1", "23", "45", "678", "00", "12", "1.5", "true", "false", "null",
      "damaged", "late", "other", "hello", " world", "Hello", " there", "I", " can", " help", ".", " ", "  ",
      "\\n", "\\\"", "\\u00", "é", "✓", "日本", "\u00e9t\u00e9", "\"é", "é\"", "\n", "\n\n", "ab", "abc", "xyz",
      "ok");
  static final String[] SPECIALS = {"<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"};

  private final List<byte[]> tokens = new ArrayList<>();
  private final Map<String, Integer> specialIds = new LinkedHashMap<>();
  private final Map<String, Integer> byBytes = new HashMap<>();
  private final int longest;
  private final ChatTemplate template = new ChatMlTemplate();

  public SmallVocabulary() {
    for (int b = 0; b < 256; b++) {
      add(new byte[] {(byte) b});
    }
    // Split multi-byte characters the way byte-level BPE vocabularies do.
    add(new byte[] {(byte) 0xC3});
    add(new byte[] {(byte) 0xA9, '"'});
    add(new byte[] {(byte) 0xE2, (byte) 0x9C});
    for (String piece : PIECES) {
      if (!piece.isEmpty()) {
        add(piece.getBytes(StandardCharsets.UTF_8));
      }
    }
    int max = 0;
    for (byte[] t : tokens) {
      max = Math.max(max, t.length);
    }
    longest = max;
    for (String special : SPECIALS) {
      specialIds.put(special, tokens.size());
      tokens.add(new byte[0]);
    }
  }

  private void add(byte[] bytes) {
    String key = new String(bytes, StandardCharsets.ISO_8859_1);
    if (!byBytes.containsKey(key)) {
      byBytes.put(key, tokens.size());
      tokens.add(bytes);
    }
  }

  public int special(String name) {
    return specialIds.get(name);
  }

  @Override
  public int vocabSize() {
    return tokens.size();
  }

  @Override
  public byte[] tokenBytes(int id) {
    return tokens.get(id);
  }

  @Override
  public boolean isSpecial(int id) {
    return tokens.get(id).length == 0;
  }

  @Override
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int next = -1;
      String found = null;
      for (String s : SPECIALS) {
        int at = text.indexOf(s, start);
        if (at >= 0 && (next < 0 || at < next)) {
          next = at;
          found = s;
        }
      }
      int end = next < 0 ? text.length() : next;
      for (int id : encodeOrdinary(text.substring(start, end))) {
        out.add(id);
      }
      if (found == null) {
        break;
      }
      out.add(specialIds.get(found));
      start = end + found.length();
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public int[] encodeOrdinary(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<Integer> out = new ArrayList<>();
    int i = 0;
    while (i < bytes.length) {
      for (int len = Math.min(longest, bytes.length - i); len > 0; len--) {
        Integer id = byBytes.get(new String(bytes, i, len, StandardCharsets.ISO_8859_1));
        if (id != null) {
          out.add(id);
          i += len;
          break;
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      if (tokens.get(id).length > 0) {
        out.writeBytes(tokens.get(id));
      } else {
        for (Map.Entry<String, Integer> e : specialIds.entrySet()) {
          if (e.getValue() == id) {
            out.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public SpecialTokens specials() {
    return new SpecialTokens(specialIds.get("<|im_end|>"), specialIds.get("<tool_call>"), specialIds.get("</tool_call>"));
  }

  @Override
  public ChatTemplate chatTemplate() {
    return template;
  }
}
