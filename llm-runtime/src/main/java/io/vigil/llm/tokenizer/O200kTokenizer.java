package io.vigil.llm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.vigil.llm.spi.ChatTemplate;
import io.vigil.llm.spi.SpecialTokens;
import io.vigil.llm.spi.TokenizerView;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The o200k BPE vocabulary (about 200k tokens, shipped in jtokkit) with ChatML-style special tokens
 * added after it: a real tokenizer at real scale for masks and tests. jtokkit encodes; the token byte
 * strings are read from the same ranks file jtokkit loads, so both agree id by id.
 */
public final class O200kTokenizer implements TokenizerView {
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";
  public static final String TOOL_CALL_OPEN = "<tool_call>";
  public static final String TOOL_CALL_CLOSE = "</tool_call>";

  private static final String RANKS = "/com/knuddels/jtokkit/o200k_base.tiktoken";

  private final Encoding encoding;
  private final byte[][] tokens;
  private final Map<String, Integer> specialIds = new LinkedHashMap<>();
  private final SpecialTokens specials;
  private final ChatTemplate template = new ChatMlTemplate();

  public O200kTokenizer() {
    this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    byte[][] ranks = readRanks();
    int base = ranks.length;
    // o200k's own <|endoftext|> is rank 199999; the chat specials follow it.
    specialIds.put(END_OF_TEXT, base + 1);
    specialIds.put(IM_START, base + 2);
    specialIds.put(IM_END, base + 3);
    specialIds.put(TOOL_CALL_OPEN, base + 4);
    specialIds.put(TOOL_CALL_CLOSE, base + 5);
    this.tokens = new byte[base + 6][];
    System.arraycopy(ranks, 0, tokens, 0, base);
    for (int id = base; id < tokens.length; id++) {
      tokens[id] = new byte[0];
    }
    this.specials = new SpecialTokens(specialIds.get(IM_END), specialIds.get(TOOL_CALL_OPEN), specialIds.get(TOOL_CALL_CLOSE));
  }

  private static byte[][] readRanks() {
    List<byte[]> ranks = new ArrayList<>(200_000);
    try (InputStream in = Encoding.class.getResourceAsStream(RANKS)) {
      if (in == null) {
        throw new IllegalStateException("jtokkit's o200k ranks file is not on the classpath: " + RANKS);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      Base64.Decoder base64 = Base64.getDecoder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.indexOf(' ');
        int rank = Integer.parseInt(line.substring(space + 1));
        if (rank != ranks.size()) {
          throw new IllegalStateException("o200k ranks are not dense at " + rank);
        }
        ranks.add(base64.decode(line.substring(0, space)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ranks.toArray(new byte[0][]);
  }

  @Override
  public int vocabSize() {
    return tokens.length;
  }

  @Override
  public byte[] tokenBytes(int id) {
    return tokens[id];
  }

  @Override
  public boolean isSpecial(int id) {
    return tokens[id].length == 0;
  }

  public int specialId(String name) {
    Integer id = specialIds.get(name);
    if (id == null) {
      throw new IllegalArgumentException("no special token " + name);
    }
    return id;
  }

  @Override
  public int[] encode(String text) {
    List<int[]> parts = new ArrayList<>();
    int start = 0;
    int length = 0;
    while (start < text.length()) {
      int next = -1;
      String found = null;
      for (String special : specialIds.keySet()) {
        int at = text.indexOf(special, start);
        if (at >= 0 && (next < 0 || at < next)) {
          next = at;
          found = special;
        }
      }
      int end = next < 0 ? text.length() : next;
      if (end > start) {
        int[] ordinary = encodeOrdinary(text.substring(start, end));
        parts.add(ordinary);
        length += ordinary.length;
      }
      if (found == null) {
        break;
      }
      parts.add(new int[] {specialIds.get(found)});
      length++;
      start = next + found.length();
    }
    int[] ids = new int[length];
    int at = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, ids, at, part.length);
      at += part.length;
    }
    return ids;
  }

  @Override
  public int[] encodeOrdinary(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] names = specialIds.keySet().toArray(new String[0]);
    for (int id : ids) {
      if (id < 0 || id >= tokens.length) {
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens.length);
      }
      if (tokens[id].length > 0) {
        out.writeBytes(tokens[id]);
      } else {
        for (String name : names) {
          if (specialIds.get(name) == id) {
            out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public SpecialTokens specials() {
    return specials;
  }

  @Override
  public ChatTemplate chatTemplate() {
    return template;
  }
}
