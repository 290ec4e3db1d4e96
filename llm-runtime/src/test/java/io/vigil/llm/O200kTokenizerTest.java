package io.vigil.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.tokenizer.O200kTokenizer;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class O200kTokenizerTest {
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();

  @Test
  void vocabularyIsRealScaleAndTokenBytesSpellTheText() {
    assertTrue(TOKENIZER.vocabSize() > 150_000, "vocabulary of " + TOKENIZER.vocabSize());
    String text = "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W2378156\"}} ünïcödé ✓";
    int[] ids = TOKENIZER.encodeOrdinary(text);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      bytes.writeBytes(TOKENIZER.tokenBytes(id));
    }
    assertEquals(text, bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(text, TOKENIZER.decode(ids));
  }

  @Test
  void specialTokensAreSingleIdsWithoutBytes() {
    int[] ids = TOKENIZER.encode("hi<tool_call>{}</tool_call><|im_end|>");
    int open = TOKENIZER.specials().toolCallOpen();
    int close = TOKENIZER.specials().toolCallClose();
    int end = TOKENIZER.specials().endOfTurn();
    assertEquals(open, ids[1]);
    assertEquals(close, ids[ids.length - 2]);
    assertEquals(end, ids[ids.length - 1]);
    assertTrue(TOKENIZER.isSpecial(open) && TOKENIZER.tokenBytes(open).length == 0);
    assertEquals("hi<tool_call>{}</tool_call><|im_end|>", TOKENIZER.decode(ids));
    assertArrayEquals(TOKENIZER.encodeOrdinary("hi"), new int[] {ids[0]});
  }
}
