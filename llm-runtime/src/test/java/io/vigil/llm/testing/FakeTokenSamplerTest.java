package io.vigil.llm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fake server's sampler keeps to the request: masks, bans, greedy, and the nucleus. */
class FakeTokenSamplerTest {
  @Test
  void nucleusKeepsTheSmallestTopSetAndMasksAndBansHold() {
    // probabilities proportional to 8, 4, 2, 1, 1 (ids 0..4) plus 1000 near-zero tokens
    float[] logits = new float[1005];
    java.util.Arrays.fill(logits, -30f);
    logits[0] = (float) Math.log(8);
    logits[1] = (float) Math.log(4);
    logits[2] = (float) Math.log(2);
    logits[3] = 0;
    logits[4] = 0;
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 400; seed++) {
      seen.add(FakeTokenSampler.sample(logits, null, Map.of(), 1.0, 0.75, seed).id());
    }
    // 8/16 = 0.5 < 0.75 <= 12/16: the nucleus is {0, 1}
    assertEquals(Set.of(0, 1), seen);
    assertEquals(0, FakeTokenSampler.sample(logits, null, Map.of(), 0, 1, 7).id(), "greedy");
    assertEquals(1, FakeTokenSampler.sample(logits, null, Map.of(0, Double.NEGATIVE_INFINITY), 0, 1, 7).id(), "ban");
    BitSet allowed = new BitSet();
    allowed.set(3);
    allowed.set(900);
    for (long seed = 0; seed < 50; seed++) {
      int id = FakeTokenSampler.sample(logits, allowed, Map.of(), 1.0, 1.0, seed).id();
      assertTrue(id == 3 || id == 900);
    }
    Set<Integer> wide = new HashSet<>();
    for (long seed = 0; seed < 400; seed++) {
      wide.add(FakeTokenSampler.sample(logits, null, Map.of(), 1.0, 1.0, seed).id());
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), wide, "top_p 1 draws every likely token");
  }
}
