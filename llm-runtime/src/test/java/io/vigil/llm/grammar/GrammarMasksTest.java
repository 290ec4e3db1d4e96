package io.vigil.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.spi.TokenizerView;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrammarMasksTest {
  private static final ToolCallGrammar GRAMMAR = ToolCallGrammarTest.GRAMMAR;

  /** States met along a canonical call, with slots resolved freely or restricted. */
  static List<GrammarState> sampleStates() {
    List<GrammarState> states = new ArrayList<>();
    GrammarState s = GRAMMAR.start();
    states.add(s);
    states.add(s = GRAMMAR.feed(s, utf8("{\"name\": ")));
    states.add(s = GRAMMAR.chooseTool(s, Set.of()));
    states.add(GRAMMAR.feed(s, utf8("\"re")));
    states.add(s = GRAMMAR.feed(s, utf8("\"refund\", \"arguments\": {\"order_id\": ")));
    states.add(GRAMMAR.chooseValue(s, List.of("\"#W1\"", "\"#W12\"", "\"é\""), Set.of()));
    states.add(GRAMMAR.chooseValue(s, null, Set.of("\"abc\"", "\"ab\"")));
    states.add(s = GRAMMAR.chooseValue(s, null, Set.of()));
    states.add(s = GRAMMAR.feed(s, utf8("\"x")));
    states.add(GRAMMAR.feed(s, new byte[] {(byte) 0xC3}));
    states.add(GRAMMAR.feed(s, utf8("\\u00")));
    states.add(s = GRAMMAR.feed(s, utf8("\", \"amount\": ")));
    states.add(s = GRAMMAR.chooseValue(s, null, Set.of()));
    states.add(s = GRAMMAR.feed(s, utf8("12")));
    states.add(s = GRAMMAR.feed(s, utf8(", \"reason\": ")));
    states.add(s = GRAMMAR.chooseValue(s, null, Set.of("\"late\"")));
    states.add(s = GRAMMAR.feed(s, utf8("\"other\", \"extra\": ")));
    states.add(s = GRAMMAR.chooseValue(s, null, Set.of()));
    states.add(s = GRAMMAR.feed(s, utf8("{\"k\": [")));
    states.add(s = GRAMMAR.feed(s, utf8("\"v\"]}}}")));
    assertTrue(GRAMMAR.isComplete(s));
    return states;
  }

  @Test
  void masksMatchBruteForceOnASmallVocabulary() {
    checkAgainstBruteForce(new SmallVocabulary());
  }

  @Test
  void masksMatchBruteForceOnO200k() {
    checkAgainstBruteForce(new O200kTokenizer());
  }

  private static void checkAgainstBruteForce(TokenizerView vocabulary) {
    GrammarMasks masks = new GrammarMasks(GRAMMAR, new TokenTrie(vocabulary), 64);
    for (GrammarState state : sampleStates()) {
      BitSet expected = new BitSet();
      for (int id = 0; id < vocabulary.vocabSize(); id++) {
        byte[] bytes = vocabulary.tokenBytes(id);
        if (!vocabulary.isSpecial(id) && bytes.length > 0 && GRAMMAR.feed(state, bytes) != null) {
          expected.set(id);
        }
      }
      BitSet actual = masks.allowed(state);
      assertEquals(expected, actual, () -> "state " + state);
      assertSame(actual, masks.allowed(state), "second lookup is served from the cache");
    }
  }

  @Test
  void forcedBytesFollowTheOnlyPath() {
    GrammarMasks masks = new GrammarMasks(GRAMMAR, new TokenTrie(new SmallVocabulary()), 64);
    assertArrayEquals(utf8("{\"name\": "), masks.forcedBytes(GRAMMAR.start()));
    GrammarState s = GRAMMAR.chooseTool(GRAMMAR.feed(GRAMMAR.start(), utf8("{\"name\": ")), Set.of("refund", "ping"));
    assertArrayEquals(utf8("\"get_order_details\", \"arguments\": {\"order_id\": "), masks.forcedBytes(s));
    GrammarState value = GRAMMAR.feed(s, masks.forcedBytes(s));
    assertArrayEquals(utf8("\""), masks.forcedBytes(GRAMMAR.chooseValue(value, null, Set.of())));
    assertArrayEquals(utf8("\"#W1"), masks.forcedBytes(GRAMMAR.chooseValue(value, List.of("\"#W1\"", "\"#W12\""), Set.of())));
    GrammarState free = GRAMMAR.feed(GRAMMAR.chooseValue(value, null, Set.of()), utf8("\"a"));
    assertEquals(0, masks.forcedBytes(free).length);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
