package io.vigil.guard.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.dsl.tree.Policy;
import io.vigil.llm.decode.PartialCall;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import io.vigil.solver.z3.Z3Decider;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The oracle answers "completable?" mostly by evaluating rules on concrete completions; Z3 over the
 * whole policy is the reference. Every tool call of several retail traces is asked with its
 * arguments unknown from each position on (the decoder's argument boundaries), on the history
 * before it, and both must agree.
 */
class CompletableAgreesWithZ3Test {
  private static final BigDecimal NOW = new BigDecimal("1715800000");
  private static final List<String> TRACES = List.of(
      "deny_refund_to_paypal_instead_of_card", "deny_cancel_processed_order", "ok_cancel_pending_order_full",
      "deny_modify_address_of_delivered_order", "ok_return_to_gift_card", "deny_cancel_other_users_order",
      "ok_exchange_gift_card_covers_difference", "deny_payment_change_to_same_method");

  @Test
  void everyBoundaryOfEveryCallAgrees() {
    LoadedPolicy retail = RetailTraces.policy();
    int asked = 0;
    int completable = 0;
    List<String> disagreements = new ArrayList<>();
    try (PolicyDecider decider = new PolicyDecider(retail.policy(), "agree");
         PolicyOracles oracles = new PolicyOracles(decider);
         Z3Decider reference = new Z3Decider(decider.policy())) {
      for (String name : TRACES) {
        List<Event> events = RetailTraces.trace(name).events();
        for (int i = 0; i < events.size(); i++) {
          if (!(events.get(i) instanceof Event.ToolCall call)) {
            continue;
          }
          History history = History.of(events.subList(0, i));
          PolicyCallOracle oracle = oracles.oracle(history, NOW);
          Policy.ToolDecl tool = retail.policy().tool(call.tool()).orElseThrow();
          for (int known = 0; known <= tool.params().size(); known++) {
            Map<String, Value> args = new LinkedHashMap<>();
            Map<String, JsonNode> json = new LinkedHashMap<>();
            Set<String> unknown = new LinkedHashSet<>();
            for (int p = 0; p < tool.params().size(); p++) {
              String param = tool.params().get(p).name();
              if (p < known) {
                args.put(param, call.args().get(param));
                json.put(param, Json.toNode(call.args().get(param)));
              } else {
                unknown.add(param);
              }
            }
            boolean expected = reference.completable(
                new Situation(history, new Event.ToolCall(null, call.tool(), args, Optional.of(NOW)), NOW), unknown);
            boolean actual = oracle.completable(new PartialCall(call.tool(), json, unknown));
            asked++;
            completable += expected ? 1 : 0;
            if (expected != actual) {
              disagreements.add(name + " event " + i + " " + call.tool() + " known " + args.keySet() + ": Z3 " + expected);
            }
          }
          assertTrue(oracle.engineErrors().isEmpty(), oracle.engineErrors().toString());
        }
      }
    }
    assertEquals(List.of(), disagreements);
    assertTrue(asked >= 60, asked + " questions");
    assertTrue(completable > 0 && completable < asked, completable + " of " + asked + " completable: both answers occur");
  }
}
