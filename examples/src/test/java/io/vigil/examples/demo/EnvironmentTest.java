package io.vigil.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each tool of both environments: one valid operation and one the tool rejects the way tau-bench
 * does ("Error: ..."). list_all_product_types, list_all_airports, search_*, think and
 * transfer_to_human_agents reject nothing, so only their valid call is checked.
 */
class EnvironmentTest {
  final RetailEnv retail = new RetailEnv(Demo.SEED);
  final AirlineEnv airline = new AirlineEnv(Demo.SEED);

  static ObjectNode args(Object... kv) {
    ObjectNode o = Environment.object();
    for (int i = 0; i < kv.length; i += 2) {
      o.set((String) kv[i], Environment.JSON.valueToTree(kv[i + 1]));
    }
    return o;
  }

  static JsonNode ok(Environment env, String tool, Object... kv) {
    Environment.Outcome out = env.call(tool, args(kv));
    assertTrue(out.ok(), tool + ": " + out.error());
    return out.output();
  }

  static void rejected(String expected, Environment env, String tool, Object... kv) {
    assertEquals("Error: " + expected, env.call(tool, args(kv)).error(), tool);
  }

  String uid = null;

  // ---------------------------------------------------------------- retail

  @Test
  void retailLookups() {
    String u = retail.userIds().get(0);
    ObjectNode user = retail.user(u);
    assertEquals(u, ok(retail, "find_user_id_by_email", "email", user.get("email").asText()).asText());
    rejected("user not found", retail, "find_user_id_by_email", "email", "nobody@example.com");
    assertEquals(u, ok(retail, "find_user_id_by_name_zip", "first_name", user.get("name").get("first_name").asText(),
        "last_name", user.get("name").get("last_name").asText(), "zip", user.get("address").get("zip").asText()).asText());
    rejected("user not found", retail, "find_user_id_by_name_zip", "first_name", "No", "last_name", "Body", "zip", "00000");
    assertEquals(5, ok(retail, "get_user_details", "user_id", u).get("orders").size());
    rejected("user not found", retail, "get_user_details", "user_id", "no_one_1");
    String o = retail.orderOf(u, "pending").get("order_id").asText();
    assertEquals(u, ok(retail, "get_order_details", "order_id", o).get("user_id").asText());
    rejected("order not found", retail, "get_order_details", "order_id", "#W0");
    JsonNode types = ok(retail, "list_all_product_types");
    String pid = types.elements().next().asText();
    assertEquals(pid, ok(retail, "get_product_details", "product_id", pid).get("product_id").asText());
    rejected("product not found", retail, "get_product_details", "product_id", "1");
    assertEquals("7", ok(retail, "calculate", "expression", "(2 + 5) * 1").asText());
    rejected("invalid characters in expression", retail, "calculate", "expression", "import os");
    ok(retail, "think", "thought", "x");
    assertEquals("Transfer successful", ok(retail, "transfer_to_human_agents", "summary", "x").asText());
  }

  @Test
  void retailEveryStatusOccurs() {
    List<String> statuses = retail.orders.findValuesAsText("status");
    for (String s : List.of("pending", "processed", "delivered", "cancelled", "pending (item modified)", "exchange requested", "return requested")) {
      assertTrue(statuses.contains(s), s);
    }
  }

  @Test
  void retailCancel() {
    String u = retail.userIds().get(0);
    String pending = retail.orderOf(u, "pending").get("order_id").asText();
    String processed = retail.orderOf(u, "processed").get("order_id").asText();
    rejected("non-pending order cannot be cancelled", retail, "cancel_pending_order", "order_id", processed, "reason", "no longer needed");
    rejected("invalid reason", retail, "cancel_pending_order", "order_id", pending, "reason", "changed my mind");
    assertEquals("cancelled", ok(retail, "cancel_pending_order", "order_id", pending, "reason", "no longer needed").get("status").asText());
  }

  @Test
  void retailModifyAddressAndUserAddress() {
    String u = retail.userIds().get(0);
    Object[] addr = {"address1", "1 Main St", "address2", "", "city", "Austin", "state", "TX", "country", "USA", "zip", "78701"};
    String pending = retail.orderOf(u, "pending").get("order_id").asText();
    String delivered = retail.orderOf(u, "delivered").get("order_id").asText();
    rejected("non-pending order cannot be modified", retail, "modify_pending_order_address", concat("order_id", delivered, addr));
    assertEquals("78701", ok(retail, "modify_pending_order_address", concat("order_id", pending, addr)).get("address").get("zip").asText());
    assertEquals("78701", ok(retail, "modify_user_address", concat("user_id", u, addr)).get("address").get("zip").asText());
    rejected("user not found", retail, "modify_user_address", concat("user_id", "no_one_1", addr));
  }

  @Test
  void retailModifyItemsOnlyOnce() {
    String u = retail.userIds().get(0);
    ObjectNode order = retail.orderOf(u, "pending");
    String o = order.get("order_id").asText();
    JsonNode item = order.get("items").get(0);
    String neu = retail.otherVariant(item);
    String card = retail.paymentOf(u, "credit_card");
    rejected("payment method not found", retail, "modify_pending_order_items", "order_id", o, "item_ids", List.of(item.get("item_id").asText()),
        "new_item_ids", List.of(neu), "payment_method_id", "paypal_0");
    assertEquals("pending (item modified)", ok(retail, "modify_pending_order_items", "order_id", o, "item_ids", List.of(item.get("item_id").asText()),
        "new_item_ids", List.of(neu), "payment_method_id", card).get("status").asText());
    rejected("non-pending order cannot be modified", retail, "modify_pending_order_items", "order_id", o, "item_ids", List.of(neu),
        "new_item_ids", List.of(item.get("item_id").asText()), "payment_method_id", card);
  }

  @Test
  void retailModifyPayment() {
    String u = retail.userIds().get(0);
    ObjectNode order = retail.orderOf(u, "pending");
    String o = order.get("order_id").asText();
    String original = order.get("payment_history").get(0).get("payment_method_id").asText();
    rejected("the new payment method should be different from the current one", retail, "modify_pending_order_payment",
        "order_id", o, "payment_method_id", original);
    ok(retail, "modify_pending_order_payment", "order_id", o, "payment_method_id", retail.paymentOf(u, "paypal"));
  }

  @Test
  void retailReturn() {
    String u = retail.userIds().get(0);
    ObjectNode order = retail.orderOf(u, "delivered");
    String o = order.get("order_id").asText();
    String item = order.get("items").get(0).get("item_id").asText();
    rejected("payment method should be either the original payment method or a gift card", retail, "return_delivered_order_items",
        "order_id", o, "item_ids", List.of(item), "payment_method_id", retail.paymentOf(u, "paypal"));
    rejected("non-delivered order cannot be returned", retail, "return_delivered_order_items", "order_id",
        retail.orderOf(u, "pending").get("order_id").asText(), "item_ids", List.of(item), "payment_method_id", retail.paymentOf(u, "gift_card"));
    assertEquals("return requested", ok(retail, "return_delivered_order_items", "order_id", o, "item_ids", List.of(item),
        "payment_method_id", retail.paymentOf(u, "gift_card")).get("status").asText());
  }

  @Test
  void retailExchange() {
    String u = retail.userIds().get(0);
    ObjectNode order = retail.orderOf(u, "delivered");
    String o = order.get("order_id").asText();
    JsonNode item = order.get("items").get(0);
    String card = retail.paymentOf(u, "credit_card");
    rejected("non-delivered order cannot be exchanged", retail, "exchange_delivered_order_items", "order_id",
        retail.orderOf(u, "processed").get("order_id").asText(), "item_ids", List.of(item.get("item_id").asText()),
        "new_item_ids", List.of(retail.otherVariant(item)), "payment_method_id", card);
    assertEquals("exchange requested", ok(retail, "exchange_delivered_order_items", "order_id", o, "item_ids", List.of(item.get("item_id").asText()),
        "new_item_ids", List.of(retail.otherVariant(item)), "payment_method_id", card).get("status").asText());
  }

  static Object[] concat(String k, String v, Object[] rest) {
    Object[] out = new Object[rest.length + 2];
    out[0] = k;
    out[1] = v;
    System.arraycopy(rest, 0, out, 2, rest.length);
    return out;
  }

  // ---------------------------------------------------------------- airline

  @Test
  void airlineLookupsAndSearch() {
    String u = airline.userIds().get(0);
    assertEquals(4, ok(airline, "get_user_details", "user_id", u).get("reservations").size());
    rejected("user not found", airline, "get_user_details", "user_id", "no_one_1");
    String rid = airline.reservationOf(u, 0).get("reservation_id").asText();
    assertEquals(u, ok(airline, "get_reservation_details", "reservation_id", rid).get("user_id").asText());
    rejected("reservation not found", airline, "get_reservation_details", "reservation_id", "ZZZZZZ");
    assertTrue(ok(airline, "list_all_airports").has("JFK"));
    assertEquals(2, ok(airline, "search_direct_flight", "origin", "JFK", "destination", "SFO", "date", "2024-05-20").size());
    assertEquals(0, ok(airline, "search_direct_flight", "origin", "JFK", "destination", "SFO", "date", "2024-05-10").size(), "landed");
    ok(airline, "search_onestop_flight", "origin", "JFK", "destination", "ATL", "date", "2024-05-20");
    rejected("invalid characters in expression", airline, "calculate", "expression", "2^8");
  }

  @Test
  void airlineEveryCabinInsuranceAndLevel() {
    List<String> combos = airline.reservations.findValues("cabin").stream().map(JsonNode::asText).distinct().toList();
    assertEquals(3, combos.size());
    for (String cabin : List.of("basic_economy", "economy", "business")) {
      for (String ins : List.of("yes", "no")) {
        assertTrue(airline.reservations.findParents("cabin").stream()
            .anyMatch(r -> r.get("cabin").asText().equals(cabin) && r.path("insurance").asText().equals(ins)), cabin + "/" + ins);
      }
    }
    assertEquals(3, airline.users.findValuesAsText("membership").stream().distinct().count());
  }

  @Test
  void airlineBook() {
    String u = airline.userIds().get(1);
    String card = airline.paymentsOf(u, "credit_card").get(0);
    int price = airline.price("HAT100", "2024-05-22", "economy");
    Object[] base = {"user_id", u, "origin", "JFK", "destination", "SFO", "flight_type", "one_way", "cabin", "economy",
        "flights", List.of(Map.of("flight_number", "HAT100", "date", "2024-05-22")),
        "passengers", List.of(Map.of("first_name", "A", "last_name", "B", "dob", "1990-01-01")),
        "total_baggages", 0, "nonfree_baggages", 0, "insurance", "no"};
    rejected("payment amount does not add up, total price is " + (double) price + ", but paid 1.0", airline, "book_reservation",
        concat(base, "payment_methods", List.of(Map.of("payment_id", card, "amount", 1))));
    JsonNode r = ok(airline, "book_reservation", concat(base, "payment_methods", List.of(Map.of("payment_id", card, "amount", price))));
    assertEquals(airline.NOW, r.get("created_at").asText());
  }

  @Test
  void airlineCancel() {
    String u = airline.userIds().get(0);
    String rid = airline.reservationOf(u, 2).get("reservation_id").asText();
    assertEquals("cancelled", ok(airline, "cancel_reservation", "reservation_id", rid).get("status").asText());
    rejected("reservation not found", airline, "cancel_reservation", "reservation_id", "ZZZZZZ");
  }

  @Test
  void airlineBaggages() {
    String u = airline.userIds().get(2);
    String rid = airline.reservationOf(u, 1).get("reservation_id").asText();
    rejected("payment method not found", airline, "update_reservation_baggages", "reservation_id", rid, "total_baggages", 3,
        "nonfree_baggages", 1, "payment_id", "credit_card_0");
    assertEquals(3, ok(airline, "update_reservation_baggages", "reservation_id", rid, "total_baggages", 3, "nonfree_baggages", 1,
        "payment_id", airline.paymentsOf(u, "credit_card").get(0)).get("total_baggages").asInt());
  }

  @Test
  void airlineFlights() {
    String u = airline.userIds().get(0);
    ObjectNode r = airline.reservationOf(u, 1);
    String rid = r.get("reservation_id").asText();
    String other = airline.otherFlight(r.get("flights").get(0).get("flight_number").asText());
    String card = airline.paymentsOf(u, "credit_card").get(0);
    rejected("flight " + other + " not available on date 2024-05-01", airline, "update_reservation_flights", "reservation_id", rid,
        "cabin", "economy", "flights", List.of(Map.of("flight_number", other, "date", "2024-05-01")), "payment_id", card);
    String date = r.get("flights").get(0).get("date").asText();
    assertEquals(other, ok(airline, "update_reservation_flights", "reservation_id", rid, "cabin", "economy",
        "flights", List.of(Map.of("flight_number", other, "date", date)), "payment_id", card).get("flights").get(0).get("flight_number").asText());
  }

  @Test
  void airlinePassengers() {
    String u = airline.userIds().get(0);
    ObjectNode r = airline.reservationOf(u, 1);
    String rid = r.get("reservation_id").asText();
    rejected("number of passengers does not match", airline, "update_reservation_passengers", "reservation_id", rid,
        "passengers", List.of(Map.of("first_name", "A", "last_name", "B", "dob", "1990-01-01")));
    ok(airline, "update_reservation_passengers", "reservation_id", rid, "passengers", r.get("passengers"));
  }

  @Test
  void airlineCertificate() {
    String u = airline.userIds().get(2);
    int before = airline.paymentsOf(u, "certificate").size();
    ok(airline, "send_certificate", "user_id", u, "amount", 100);
    assertEquals(before + 1, airline.paymentsOf(u, "certificate").size());
    rejected("user not found", airline, "send_certificate", "user_id", "no_one_1", "amount", 100);
    assertEquals("Transfer successful", ok(airline, "transfer_to_human_agents", "summary", "x").asText());
    ok(airline, "think", "thought", "x");
  }

  static Object[] concat(Object[] base, String k, Object v) {
    Object[] out = java.util.Arrays.copyOf(base, base.length + 2);
    out[base.length] = k;
    out[base.length + 1] = v;
    return out;
  }
}
