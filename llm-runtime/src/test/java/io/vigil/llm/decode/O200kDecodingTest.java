package io.vigil.llm.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.llm.spi.ChatMessage;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder over the real o200k vocabulary: forced runs come out as o200k's own tokens. */
class O200kDecodingTest {
  private static final O200kTokenizer O200K = new O200kTokenizer();

  @Test
  void deniedValueIsReplacedAndTheCallIsTokenizedNaturally() {
    ConstrainedDecoder decoder = new ConstrainedDecoder(O200K, ConstrainedDecoderTest.TOOLS, DecoderOptions.defaults());
    int[] prompt = O200K.encode(O200K.chatTemplate().render(
        List.of(ChatMessage.of(ChatMessage.Role.USER, "Refund order 9 please")), ConstrainedDecoderTest.TOOLS));
    String wanted = "<tool_call>{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W9\", \"amount\": 30}}</tool_call><|im_end|>";
    String fallback = "<tool_call>{\"name\": \"refund\", \"arguments\": {\"order_id\": \"#W1\", \"amount\": 30}}</tool_call><|im_end|>";
    try (LogitsStepModel model = new LogitsStepModel(new FakeScriptedSession(O200K, prompt.length, List.of(wanted, fallback)))) {
      Generation g = decoder.generate(model, prompt, new ShopTestOracle(), new SamplingOptions(0, 1, 1, 64), GenerationListener.NONE);
      assertEquals(1, g.toolCalls().size(), g.toString());
      assertEquals("#W1", g.toolCalls().get(0).arguments().get("order_id").asText());
      assertEquals(30, g.toolCalls().get(0).arguments().get("amount").asInt());
      int[] spelled = O200K.encode(fallback);
      assertEquals(spelled.length, model.length() - prompt.length, "the turn has exactly o200k's own tokenization");
      assertTrue(g.stats().forcedTokens() > g.stats().sampledTokens(), g.stats().toString());
    }
  }
}
