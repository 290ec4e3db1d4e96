package io.vigil.llm.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.tokenizer.O200kTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdversarialSessionTest {
  private static final O200kTokenizer TOKENIZER = new O200kTokenizer();
  private static final TokenBytesIndex INDEX = new TokenBytesIndex(TOKENIZER);
  private static final String CALL =
      "<tool_call>{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W2378156\"}}</tool_call><|im_end|>";
  private static final AdversarialTarget TARGET = AdversarialTarget.of(INDEX, CALL);
  private static final int[] PROMPT = TOKENIZER.encode("<|im_start|>user\nWhere is my order?<|im_end|>\n<|im_start|>assistant\n");

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Greedy decoding without any mask, until the session's automaton has matched the whole target. */
  private static List<Integer> greedy(AdversarialSession session, float[] logits, int limit) {
    List<Integer> out = new ArrayList<>();
    while (out.size() < limit && session.matched() < TARGET.length()) {
      int token = argmax(logits);
      out.add(token);
      logits = session.append(token);
    }
    return out;
  }

  @Test
  void greedyDecodingWritesTheTargetForEverySeed() {
    for (long seed = 0; seed < 5; seed++) {
      AdversarialSession session = AdversarialSession.standalone(TARGET, seed);
      List<Integer> tokens = greedy(session, session.append(PROMPT), 200);
      assertEquals(CALL, TOKENIZER.decode(tokens.stream().mapToInt(Integer::intValue).toArray()), "seed " + seed);
      assertEquals(TOKENIZER.specials().toolCallOpen(), tokens.get(0));
      assertEquals(TOKENIZER.specials().endOfTurn(), tokens.get(tokens.size() - 1));
    }
  }

  @Test
  void theLongestTokenThatContinuesTheTargetScoresHighest() {
    AdversarialSession session = AdversarialSession.standalone(TARGET, 1);
    session.append(PROMPT);
    float[] logits = session.append(TOKENIZER.specials().toolCallOpen());
    byte[] rest = CALL.substring("<tool_call>".length()).getBytes(StandardCharsets.UTF_8);
    int longest = -1;
    List<Integer> continuing = new ArrayList<>();
    for (int id = 0; id < TOKENIZER.vocabSize(); id++) {
      byte[] bytes = TOKENIZER.tokenBytes(id);
      if (bytes.length > 0 && bytes.length <= rest.length && Arrays.equals(bytes, Arrays.copyOf(rest, bytes.length))) {
        continuing.add(id);
        if (longest < 0 || bytes.length > TOKENIZER.tokenBytes(longest).length) {
          longest = id;
        }
      }
    }
    assertTrue(continuing.size() >= 2, "several tokens continue the target: " + continuing);
    assertEquals(longest, argmax(logits));
    float lowestContinuing = Float.MAX_VALUE;
    for (int id : continuing) {
      lowestContinuing = Math.min(lowestContinuing, logits[id]);
    }
    int offTarget = 0;
    for (int id = 0; id < logits.length; id++) {
      if (!continuing.contains(id) && logits[id] >= lowestContinuing) {
        offTarget++;
      }
    }
    assertEquals(0, offTarget, "every continuation outranks every other token");
  }

  @Test
  void logitsAfterRewindEqualThoseOfASessionThatNeverWentFurther() {
    AdversarialSession session = AdversarialSession.standalone(TARGET, 42);
    session.append(PROMPT);
    int[] detour = TOKENIZER.encode("<tool_call>{\"name\": \"cancel_pending_order\"");
    List<float[]> seen = new ArrayList<>();
    for (int token : detour) {
      seen.add(session.append(token));
    }
    int keep = PROMPT.length + 3;
    session.rewind(keep);
    assertEquals(keep, session.length());
    for (int i = 3; i < detour.length; i++) {
      assertArrayEquals(seen.get(i), session.append(detour[i]), "position " + (PROMPT.length + i));
    }

    AdversarialSession fresh = AdversarialSession.standalone(TARGET, 42);
    int[] all = Arrays.copyOf(PROMPT, PROMPT.length + detour.length);
    System.arraycopy(detour, 0, all, PROMPT.length, detour.length);
    assertArrayEquals(seen.get(seen.size() - 1), fresh.append(all), "one append of everything");
    assertThrows(IllegalArgumentException.class, () -> session.rewind(session.length() + 1));
  }

  @Test
  void afterTheDecoderSteersAwayTheAttackStartsOverWhereTheTextLeavesIt() {
    AdversarialSession session = AdversarialSession.standalone(TARGET, 3);
    session.append(PROMPT);
    session.append(TOKENIZER.encode("<tool_call>{\"name\": \"get_order"));
    assertEquals("<tool_call>{\"name\": \"get_order".length() - "<tool_call>".length() + 1, session.matched());
    float[] logits = session.append(TOKENIZER.encode("_status\"}</tool_call>"));
    assertEquals(0, session.matched());
    assertEquals(TOKENIZER.specials().toolCallOpen(), argmax(logits), "it opens another call");
  }

  @Test
  void seedsChangeTheNoiseOffTheTargetOnly() {
    AdversarialSession a = AdversarialSession.standalone(TARGET, 1);
    AdversarialSession b = AdversarialSession.standalone(TARGET, 2);
    AdversarialSession again = AdversarialSession.standalone(TARGET, 1);
    float[] la = a.append(PROMPT);
    float[] lb = b.append(PROMPT);
    assertArrayEquals(la, again.append(PROMPT));
    assertFalse(Arrays.equals(la, lb));
    assertEquals(argmax(la), argmax(lb));
    int differing = 0;
    Set<Integer> priors = new HashSet<>();
    for (int closer : INDEX.stringClosers()) {
      priors.add(closer);
    }
    int end = TOKENIZER.specials().endOfTurn();
    int best = argmax(la);
    for (int i = 0; i < la.length; i++) {
      if (la[i] != lb[i]) {
        differing++;
      }
      float bound = i == best ? Float.MAX_VALUE
          : i == end ? AdversarialSession.END_PRIOR + AdversarialSession.NOISE
          : priors.contains(i) ? AdversarialSession.CLOSER_PRIOR + AdversarialSession.NOISE
          : AdversarialSession.NOISE;
      assertTrue(la[i] >= 0 && la[i] < bound, "noise bound at " + i + ": " + la[i]);
    }
    assertTrue(differing > la.length / 2, differing + " of " + la.length + " logits differ");
    assertTrue(la[end] >= AdversarialSession.END_PRIOR && la[end] < la[best], "the turn may end, after the attack");
    assertTrue(priors.contains(TOKENIZER.encodeOrdinary("\"")[0]) && !priors.contains(TOKENIZER.encodeOrdinary("}")[0]));
  }

  @Test
  void aWrappedSessionGetsTheBiasAddedToItsOwnLogits() {
    AdversarialTarget other = AdversarialTarget.of(INDEX, "<tool_call>{\"name\": \"think\"");
    AdversarialSession inner = AdversarialSession.standalone(other, 9);
    AdversarialSession twin = AdversarialSession.standalone(other, 9);
    AdversarialSession wrapped = AdversarialSession.wrapping(inner, TARGET);
    wrapped.append(PROMPT);
    twin.append(PROMPT);
    int[] open = {TOKENIZER.specials().toolCallOpen()};
    float[] biased = wrapped.append(open);
    float[] plain = twin.append(open);
    int changed = 0;
    for (int i = 0; i < biased.length; i++) {
      if (biased[i] != plain[i]) {
        changed++;
        assertTrue(biased[i] - plain[i] >= AdversarialSession.BASE_BIAS, "bias at " + i);
      }
    }
    assertTrue(changed >= 2, changed + " tokens biased");
    assertEquals(inner.length(), wrapped.length());
    wrapped.rewind(PROMPT.length);
    assertEquals(PROMPT.length, inner.length(), "rewind reaches the wrapped session");
    assertThrows(IllegalArgumentException.class, () -> AdversarialSession.wrapping(twin, TARGET));
  }
}
