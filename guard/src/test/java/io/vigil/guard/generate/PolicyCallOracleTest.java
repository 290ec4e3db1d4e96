package io.vigil.guard.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dsl.LoadedPolicy;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.policy.PolicyRegistry;
import io.vigil.guard.session.Deadline;
import io.vigil.guard.session.Session;
import io.vigil.guard.session.SessionRegistry;
import io.vigil.guard.store.MemoryEventStore;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.Verdict;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.trace.History;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracle against the real retail policy, on histories taken from the retail policy tests. */
class PolicyCallOracleTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final BigDecimal NOW = new BigDecimal("1715800000");

  private static PolicyDecider decider;
  private static PolicyOracles oracles;

  @BeforeAll
  static void load() {
    LoadedPolicy retail = RetailTraces.policy();
    decider = new PolicyDecider(retail.policy(), retail.sourceHash().substring(0, 12));
    oracles = new PolicyOracles(decider);
  }

  @AfterAll
  static void close() {
    oracles.close();
    decider.close();
  }

  private static PolicyCallOracle oracle(History history) {
    return oracles.oracle(history, NOW);
  }

  private static PartialCall partial(String tool, Map<String, String> known, String... unknown) {
    Map<String, JsonNode> args = known.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> JSON.textNode(e.getValue())));
    return new PartialCall(tool, args, Set.of(unknown));
  }

  private static Set<String> texts(List<JsonNode> values) {
    return values.stream().map(JsonNode::textValue).collect(Collectors.toSet());
  }

  @Test
  void anOrderCannotBeReadBeforeAuthentication() {
    PolicyCallOracle oracle = oracle(RetailTraces.firstEvents("deny_read_order_before_auth", 1));
    assertFalse(oracle.completable(partial("get_order_details", Map.of(), "order_id")));
    assertFalse(oracle.completable(partial("get_order_details", Map.of("order_id", "#W2611340"))));
    assertTrue(oracle.completable(partial("find_user_id_by_email", Map.of(), "email")));
    assertTrue(oracle.completable(partial("get_product_details", Map.of(), "product_id")));

    ObjectNode args = JSON.objectNode().put("order_id", "#W2611340");
    Verdict verdict = oracle.decide("get_order_details", args);
    assertFalse(verdict.allowed());
    assertEquals(List.of("authenticate_first"), verdict.rules());
    assertTrue(verdict.reason().contains("authenticate"), verdict.reason());
    assertTrue(oracle.engineErrors().isEmpty(), oracle.engineErrors().toString());
  }

  @Test
  void anOrderCanBeReadOnceTheUserIsFoundByEmail() {
    // up to and including the successful find_user_id_by_email result
    PolicyCallOracle oracle = oracle(RetailTraces.firstEvents("ok_cancel_pending_order_full", 5));
    assertTrue(oracle.completable(partial("get_order_details", Map.of(), "order_id")));
    assertTrue(oracle.completable(partial("get_order_details", Map.of("order_id", "#W2611340"))));
    assertTrue(oracle.decide("get_order_details", JSON.objectNode().put("order_id", "#W2611340")).allowed());
    // a lookup that failed does not authenticate
    PolicyCallOracle failed = oracle(RetailTraces.prefixBeforeLastCall("deny_read_after_failed_lookup"));
    assertFalse(failed.completable(partial("get_order_details", Map.of(), "order_id")));
  }

  @Test
  void aRefundIsConfinedToTheOriginalMethodOrAGiftCardOfTheUser() {
    String trace = "deny_refund_to_paypal_instead_of_card";
    PolicyCallOracle oracle = oracle(RetailTraces.prefixBeforeLastCall(trace));
    PartialCall refund = partial("return_delivered_order_items", Map.of("order_id", "#W4776164"),
        "item_ids", "payment_method_id");
    assertTrue(oracle.completable(refund));
    Optional<List<JsonNode>> allowed = oracle.allowedValues(refund, "payment_method_id");
    assertTrue(allowed.isPresent(), "a refund's payment method is confined to the user's methods");
    assertEquals(Set.of("credit_card_9513926", "gift_card_6217625"), texts(allowed.get()));

    PartialCall toPaypal = new PartialCall("return_delivered_order_items",
        Map.of("order_id", JSON.textNode("#W4776164"), "payment_method_id", JSON.textNode("paypal_7644869")),
        Set.of("item_ids"));
    assertFalse(oracle.completable(toPaypal));

    ObjectNode denied = (ObjectNode) RetailTraces.lastCallJson(trace).get("args");
    Verdict verdict = oracle.decide("return_delivered_order_items", denied);
    assertFalse(verdict.allowed());
    assertEquals(List.of("refund_to_original_or_gift_card"), verdict.rules());
    ObjectNode toCard = denied.deepCopy().put("payment_method_id", "credit_card_9513926");
    assertTrue(oracle.decide("return_delivered_order_items", toCard).allowed());
  }

  @Test
  void aDeliveredOrderCannotBeCancelled() {
    // the user said yes to an address change of delivered order #W4776164
    PolicyCallOracle oracle = oracle(RetailTraces.prefixBeforeLastCall("deny_modify_address_of_delivered_order"));
    assertFalse(oracle.completable(partial("cancel_pending_order", Map.of("order_id", "#W4776164"), "reason")));
    assertEquals(0, oracle.z3Questions(), "cancel_only_pending does not read the reason: evaluated on the partial call");
    assertFalse(oracle.completable(partial("cancel_pending_order", Map.of(), "order_id", "reason")));
    assertEquals(1, oracle.z3Questions(), "no order id seen in the session is pending: only Z3 can say none is");
    assertTrue(oracle.completable(partial("get_order_details", Map.of(), "order_id")));
    Verdict verdict = oracle.decide("cancel_pending_order",
        JSON.objectNode().put("order_id", "#W4776164").put("reason", "no longer needed"));
    assertFalse(verdict.allowed());
    assertTrue(verdict.rules().contains("cancel_only_pending"), verdict.rules().toString());
  }

  @Test
  void aPendingOrderCanBeCancelledForTheTwoReasonsTheRuleNames() {
    PolicyCallOracle oracle = oracle(RetailTraces.prefixBeforeLastCall("ok_cancel_pending_order_full"));
    PartialCall cancel = partial("cancel_pending_order", Map.of("order_id", "#W2611340"), "reason");
    assertTrue(oracle.completable(cancel));
    Optional<List<JsonNode>> reasons = oracle.allowedValues(cancel, "reason");
    assertTrue(reasons.isPresent());
    assertEquals(Set.of("no longer needed", "ordered by mistake"), texts(reasons.get()));
    // the order id is confined too: only the order read as pending (with or without '#')
    Optional<List<JsonNode>> orders = oracle.allowedValues(partial("cancel_pending_order", Map.of(), "order_id", "reason"), "order_id");
    assertTrue(orders.isPresent());
    assertTrue(texts(orders.get()).contains("#W2611340"), orders.get().toString());
    assertFalse(texts(orders.get()).contains("#W4776164"), orders.get().toString());
  }

  @Test
  void aParameterThePolicyLeavesOpenIsFree() {
    PolicyCallOracle oracle = oracle(RetailTraces.firstEvents("ok_cancel_pending_order_full", 5));
    assertEquals(Optional.empty(), oracle.allowedValues(partial("find_user_id_by_email", Map.of(), "email"), "email"));
    assertEquals(Optional.empty(), oracle.allowedValues(partial("think", Map.of(), "thought"), "thought"));
    // a read of an order not known to be someone else's is allowed, whatever its id
    assertEquals(Optional.empty(), oracle.allowedValues(partial("get_order_details", Map.of(), "order_id"), "order_id"));
  }

  @Test
  void answersAreMemoizedPerSnapshot() {
    PolicyCallOracle oracle = oracle(RetailTraces.prefixBeforeLastCall("deny_refund_to_paypal_instead_of_card"));
    PartialCall refund = partial("return_delivered_order_items", Map.of("order_id", "#W4776164"),
        "item_ids", "payment_method_id");
    Optional<List<JsonNode>> first = oracle.allowedValues(refund, "payment_method_id");
    assertSame(first, oracle.allowedValues(partial("return_delivered_order_items", Map.of("order_id", "#W4776164"),
        "payment_method_id", "item_ids"), "payment_method_id"));
    ObjectNode args = JSON.objectNode().put("order_id", "#W4776164");
    Verdict verdict = oracle.decide("get_order_details", args);
    args.put("order_id", "#W0000000"); // the caller's node changing later does not change the memo
    assertSame(verdict, oracle.decide("get_order_details", JSON.objectNode().put("order_id", "#W4776164")));
  }

  @Test
  void errorsFailClosed() {
    PolicyCallOracle oracle = oracle(RetailTraces.firstEvents("ok_cancel_pending_order_full", 5));
    assertFalse(oracle.completable(partial("delete_all_orders", Map.of(), "user_id")));
    assertFalse(oracle.completable(partial("get_order_details", Map.of(), "order_id", "force")));
    assertEquals(Optional.of(List.of()), oracle.allowedValues(partial("get_order_details", Map.of(), "order_id"), "nope"));
    assertEquals(3, oracle.engineErrors().size(), oracle.engineErrors().toString());
    assertTrue(oracle.engineErrors().get(0).contains("delete_all_orders"), oracle.engineErrors().get(0));

    Verdict unknownTool = oracle.decide("delete_all_orders", JSON.objectNode().put("user_id", "x"));
    assertFalse(unknownTool.allowed());
    assertTrue(unknownTool.reason().contains("unknown tool"), unknownTool.reason());
    Verdict missingArgument = oracle.decide("cancel_pending_order", JSON.objectNode().put("order_id", "#W2611340"));
    assertFalse(missingArgument.allowed());
    assertTrue(missingArgument.reason().contains("missing argument 'reason'"), missingArgument.reason());
    Verdict wrongType = oracle.decide("get_order_details", JSON.objectNode().put("order_id", 42));
    assertFalse(wrongType.allowed());
  }

  @Test
  void anOracleForARunningSidecarSessionSeesItsCommittedHistory(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.copy(RetailTraces.RETAIL.resolve("retail.vigil"), dir.resolve("retail.vigil"));
    try (PolicyRegistry policies = PolicyRegistry.open(dir, Duration.ZERO)) {
      SessionRegistry sessions = new SessionRegistry(new MemoryEventStore(), policies);
      sessions.create("s1", "retail", Map.of());
      Session session = sessions.get("s1", "session_id");
      ActivePolicy policy = sessions.policy("retail", "policy");

      PolicyOracles forPolicy = new PolicyOracles(policy.decider());
      PartialCall read = partial("get_order_details", Map.of(), "order_id");
      assertFalse(forPolicy.oracle(policy, session, NOW, Deadline.none()).completable(read));

      List<ObjectNode> events = new ArrayList<>();
      RetailTraces.trace("ok_cancel_pending_order_full").lines().subList(0, 5).forEach(line -> {
        ObjectNode event = line.raw().deepCopy();
        event.put("time", "2024-05-15T15:00:00Z");
        events.add(event);
      });
      session.record(policy, events, Deadline.none());
      PolicyCallOracle after = forPolicy.oracle(policy, session, NOW, Deadline.none());
      assertTrue(after.completable(read));
      assertTrue(after.decide("get_order_details", JSON.objectNode().put("order_id", "#W2611340")).allowed());
      forPolicy.close();
      assertThrows(IllegalArgumentException.class, () -> oracles.oracle(policy, session, NOW, Deadline.none()),
          "oracles of another policy version");
    }
  }
}
