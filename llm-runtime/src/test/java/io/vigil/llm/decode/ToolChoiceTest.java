package io.vigil.llm.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI-style tool_choice on top of the policy: required opens a call, none forbids one, the policy outranks both. */
class ToolChoiceTest {
  private static Generation generate(ToolChoice choice, CallOracle oracle, SamplingOptions sampling, String... scripts) {
    int[] prompt = ConstrainedDecoderTest.prompt();
    try (LogitsStepModel model = new LogitsStepModel(
        new FakeScriptedSession(ConstrainedDecoderTest.VOCABULARY, prompt.length, List.of(scripts)))) {
      return ConstrainedDecoderTest.DECODER.generate(model, prompt, oracle, sampling, GenerationListener.NONE, choice);
    }
  }

  @Test
  void requiredMakesARandomModelCallATool() {
    int calls = 0;
    for (long seed = 0; seed < 50; seed++) {
      int[] prompt = ConstrainedDecoderTest.prompt();
      try (LogitsStepModel model = new LogitsStepModel(
          new FakeRandomSession(ConstrainedDecoderTest.VOCABULARY.vocabSize(), seed, Map.of()))) {
        Generation g = ConstrainedDecoderTest.DECODER.generate(model, prompt, new ShopTestOracle(),
            new SamplingOptions(1.0, 1.0, seed, 120), GenerationListener.NONE, ToolChoice.REQUIRED);
        calls += g.toolCalls().size();
        assertTrue(g.toolCalls().size() == 1 || !g.blocked().isEmpty() || g.stats().tokens() >= 120, g.toString());
      }
    }
    assertTrue(calls >= 25, "required tool choice made " + calls + " calls in 50 random seeds");
  }

  @Test
  void noneKeepsAModelThatWantsACallInText() {
    Generation g = generate(ToolChoice.NONE, new ShopTestOracle(), ConstrainedDecoderTest.GREEDY,
        ConstrainedDecoderTest.call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W123\"}}"),
        "Here is what I know.<|im_end|>");
    assertTrue(g.toolCalls().isEmpty(), g.toString());
    assertEquals("Here is what I know.", g.text());
  }

  @Test
  void requiredYieldsToThePolicyWhenNoCallIsAllowed() {
    CallOracle nothing = new ShopTestOracle() {
      @Override
      public boolean completable(PartialCall call) {
        return false;
      }
    };
    Generation g = generate(ToolChoice.REQUIRED, nothing, ConstrainedDecoderTest.GREEDY,
        ConstrainedDecoderTest.call("{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W123\"}}"),
        "I cannot do that yet.<|im_end|>");
    assertTrue(g.toolCalls().isEmpty(), g.toString());
    assertFalse(g.text().contains("<tool_call>"), g.text());
  }
}
