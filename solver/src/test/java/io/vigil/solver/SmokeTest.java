package io.vigil.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.trace.TraceReader;
import io.vigil.solver.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

public class SmokeTest {
  public static final String POLICY = String.join("\n",
      "policy retail",
      "tool find_user_id_by_email(email: string) -> string",
      "tool get_order_details(order_id: string) -> json",
      "tool get_user_details(user_id: string) -> json",
      "tool return_delivered_order_items(order_id: string, item_ids: list<string>, payment_method_id: string) -> json",
      "group account_access = get_order_details, return_delivered_order_items",
      "rule authenticate_first:",
      "  before account_access(..)",
      "  require once ok find_user_id_by_email(_)",
      "  because \"authenticate first\"",
      "rule refund_to_original_or_gift_card:",
      "  before return_delivered_order_items(o, _, pm)",
      "  require once ok get_order_details(o) returns r where pm == r.payment_history[0].payment_method_id",
      "    or (once ok get_user_details(_) returns u where pm in keys(u.payment_methods) and u.payment_methods[pm].source == \"gift_card\")",
      "  because \"refund {pm} must go to the original payment method or a gift card\"");

  static final String TRACE = String.join("\n",
      "{\"type\":\"user_message\",\"text\":\"return my order\"}",
      "{\"type\":\"tool_call\",\"id\":\"c0\",\"tool\":\"get_order_details\",\"args\":{\"order_id\":\"#W1\"}}",
      "{\"type\":\"tool_call\",\"id\":\"c1\",\"tool\":\"find_user_id_by_email\",\"args\":{\"email\":\"a@b.c\"}}",
      "{\"type\":\"tool_result\",\"id\":\"c1\",\"tool\":\"find_user_id_by_email\",\"output\":\"u1\"}",
      "{\"type\":\"tool_call\",\"id\":\"c2\",\"tool\":\"get_user_details\",\"args\":{\"user_id\":\"u1\"}}",
      "{\"type\":\"tool_result\",\"id\":\"c2\",\"tool\":\"get_user_details\",\"output\":{\"payment_methods\":{\"credit_card_1\":{\"source\":\"credit_card\"},\"paypal_2\":{\"source\":\"paypal\"},\"gift_card_3\":{\"source\":\"gift_card\"}}}}",
      "{\"type\":\"tool_call\",\"id\":\"c3\",\"tool\":\"get_order_details\",\"args\":{\"order_id\":\"#W1\"}}",
      "{\"type\":\"tool_result\",\"id\":\"c3\",\"tool\":\"get_order_details\",\"output\":\"{\\\"status\\\":\\\"delivered\\\",\\\"payment_history\\\":[{\\\"payment_method_id\\\":\\\"credit_card_1\\\"}]}\"}",
      "{\"type\":\"tool_call\",\"id\":\"c4\",\"tool\":\"return_delivered_order_items\",\"args\":{\"order_id\":\"#W1\",\"item_ids\":[\"i1\"],\"payment_method_id\":\"paypal_2\"}}",
      "{\"type\":\"tool_call\",\"id\":\"c5\",\"tool\":\"return_delivered_order_items\",\"args\":{\"order_id\":\"#W1\",\"item_ids\":[\"i1\"],\"payment_method_id\":\"credit_card_1\"}}");

  @Test
  void classicAttacksAreDeniedByBothEngines() {
    try (PolicyDecider decider = new PolicyDecider(PolicyParser.parse(POLICY, "p.vigil"), "v1")) {
      for (PolicyDecider.Engine engine : PolicyDecider.Engine.values()) {
        List<Replayer.Step> steps = Replayer.replay(decider, TraceReader.parse(TRACE, "t.jsonl"), engine);
        assertEquals(6, steps.size());
        Decision readBeforeAuth = steps.get(0).decision();
        assertFalse(readBeforeAuth.allowed(), engine + ": " + readBeforeAuth);
        assertEquals(List.of("authenticate_first"), readBeforeAuth.rules());
        assertTrue(steps.get(1).decision().allowed());
        Decision paypal = steps.get(4).decision();
        assertFalse(paypal.allowed(), engine + ": " + paypal);
        assertEquals(List.of("refund_to_original_or_gift_card"), paypal.rules());
        assertEquals("refund paypal_2 must go to the original payment method or a gift card", paypal.violations().get(0).reason());
        assertEquals(List.of(Value.of("credit_card_1"), Value.of("gift_card_3")), paypal.alternatives().get("payment_method_id"), paypal.toString());
        assertTrue(steps.get(5).decision().allowed(), engine + ": " + steps.get(5).decision());
      }
    }
  }
}
