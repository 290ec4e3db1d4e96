package io.vigil.examples.demo;

import static io.vigil.examples.demo.Environment.array;
import static io.vigil.examples.demo.Environment.error;
import static io.vigil.examples.demo.Environment.money;
import static io.vigil.examples.demo.Environment.object;
import static io.vigil.examples.demo.Environment.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tau-bench retail tools over a synthetic store generated from a seed: products with
 * variants, users with a credit card, a PayPal account and a gift card (with a balance), and five
 * orders per user covering every order status.
 */
public final class RetailEnv implements Environment {
  static final String[] FIRST = {"Ada", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas"};
  static final String[] LAST = {"Adler", "Brandt", "Castro", "Duval", "Eriksen", "Fontaine", "Garza", "Holm", "Ivanova", "Jensen"};
  static final String[] PRODUCTS = {"Desk Lamp", "Water Bottle", "Backpack", "Headphones", "Running Shoes"};
  static final String[] COLORS = {"black", "white", "blue", "red"};
  static final String[] SIZES = {"S", "M", "L"};
  /** The statuses of a user's fifth order, by user index: with the first four, every status occurs. */
  static final String[] EXTRA_STATUS = {"pending (item modified)", "exchange requested", "return requested", "pending", "delivered"};

  final ObjectNode users = object();
  final ObjectNode orders = object();
  final ObjectNode products = object();
  private final Random rnd;

  public RetailEnv(long seed) {
    rnd = new Random(seed);
    for (String name : PRODUCTS) {
      String pid = digits(10);
      ObjectNode p = products.putObject(pid);
      p.put("name", name).put("product_id", pid);
      ObjectNode variants = p.putObject("variants");
      for (int v = 0; v < 4; v++) {
        String iid = digits(10);
        ObjectNode options = object().put("color", COLORS[v]).put("size", SIZES[rnd.nextInt(SIZES.length)]);
        variants.putObject(iid).put("item_id", iid).<ObjectNode>set("options", options)
            .put("available", v != 3).put("price", money(20 + rnd.nextInt(180) + rnd.nextInt(100) / 100.0));
      }
    }
    for (int u = 0; u < 10; u++) {
      String first = FIRST[u];
      String last = LAST[(u * 3) % LAST.length];
      String uid = (first + "_" + last + "_" + digits(4)).toLowerCase();
      ObjectNode user = users.putObject(uid);
      user.putObject("name").put("first_name", first).put("last_name", last);
      user.set("address", address());
      user.put("email", (first + "." + last + digits(3) + "@example.com").toLowerCase());
      ObjectNode pms = user.putObject("payment_methods");
      String cc = "credit_card_" + digits(7);
      pms.putObject(cc).put("source", "credit_card").put("brand", u % 2 == 0 ? "visa" : "mastercard")
          .put("last_four", digits(4)).put("id", cc);
      String pp = "paypal_" + digits(7);
      pms.putObject(pp).put("source", "paypal").put("id", pp);
      String gc = "gift_card_" + digits(7);
      pms.putObject(gc).put("source", "gift_card").put("balance", (double) (10 + rnd.nextInt(90))).put("id", gc);
      ArrayNode list = user.putArray("orders");
      String[] statuses = {"pending", "processed", "delivered", "cancelled", EXTRA_STATUS[u % EXTRA_STATUS.length]};
      for (String status : statuses) {
        ObjectNode o = order(uid, user.get("address"), status, cc);
        orders.set(o.get("order_id").asText(), o);
        list.add(o.get("order_id").asText());
      }
    }
  }

  private ObjectNode order(String uid, JsonNode address, String status, String pm) {
    String oid = "#W" + digits(7);
    ObjectNode o = object().put("order_id", oid).put("user_id", uid);
    o.set("address", address.deepCopy());
    ArrayNode items = o.putArray("items");
    List<String> pids = new ArrayList<>();
    products.fieldNames().forEachRemaining(pids::add);
    double total = 0;
    int n = 1 + rnd.nextInt(2);
    for (int k = 0; k < n; k++) {
      ObjectNode p = (ObjectNode) products.get(pids.get((k + rnd.nextInt(pids.size())) % pids.size()));
      if (items.findValuesAsText("product_id").contains(p.get("product_id").asText())) {
        continue;
      }
      ObjectNode v = (ObjectNode) p.get("variants").elements().next();
      items.addObject().put("name", p.get("name").asText()).put("product_id", p.get("product_id").asText())
          .put("item_id", v.get("item_id").asText()).put("price", v.get("price").asDouble())
          .set("options", v.get("options").deepCopy());
      total += v.get("price").asDouble();
    }
    ArrayNode fulfillments = o.putArray("fulfillments");
    if (!status.startsWith("pending") && !status.equals("cancelled")) {
      ObjectNode f = fulfillments.addObject();
      f.putArray("tracking_id").add(digits(12));
      ArrayNode ids = f.putArray("item_ids");
      items.forEach(it -> ids.add(it.get("item_id").asText()));
    }
    o.put("status", status);
    ArrayNode history = o.putArray("payment_history");
    history.addObject().put("transaction_type", "payment").put("amount", money(total)).put("payment_method_id", pm);
    if (status.equals("cancelled")) {
      history.addObject().put("transaction_type", "refund").put("amount", money(total)).put("payment_method_id", pm);
    }
    return o;
  }

  private ObjectNode address() {
    return object().put("address1", (100 + rnd.nextInt(900)) + " Elm Street").put("address2", "Suite " + (1 + rnd.nextInt(400)))
        .put("city", "Springfield").put("country", "USA").put("state", "IL").put("zip", "6" + digits(4));
  }

  private String digits(int n) {
    StringBuilder b = new StringBuilder();
    b.append(1 + rnd.nextInt(9));
    while (b.length() < n) {
      b.append(rnd.nextInt(10));
    }
    return b.toString();
  }

  @Override
  public String policy() {
    return "retail";
  }

  // ------------------------------------------------------------------ data access for scenarios

  public ObjectNode user(String uid) {
    return (ObjectNode) users.get(uid);
  }

  public ObjectNode order(String oid) {
    return (ObjectNode) orders.get(oid);
  }

  public List<String> userIds() {
    List<String> ids = new ArrayList<>();
    users.fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  /** The first order of the user in this status. */
  public ObjectNode orderOf(String uid, String status) {
    for (JsonNode id : users.get(uid).get("orders")) {
      if (orders.get(id.asText()).get("status").asText().equals(status)) {
        return (ObjectNode) orders.get(id.asText());
      }
    }
    throw new IllegalStateException("no " + status + " order for " + uid);
  }

  /** The id of the user's payment method of this source. */
  public String paymentOf(String uid, String source) {
    for (JsonNode pm : users.get(uid).get("payment_methods")) {
      if (pm.get("source").asText().equals(source)) {
        return pm.get("id").asText();
      }
    }
    throw new IllegalStateException("no " + source + " for " + uid);
  }

  /** An available variant of the same product other than the item, or null. */
  public String otherVariant(JsonNode item) {
    for (JsonNode v : products.get(item.get("product_id").asText()).get("variants")) {
      if (v.get("available").asBoolean() && !v.get("item_id").asText().equals(item.get("item_id").asText())) {
        return v.get("item_id").asText();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ tools

  @Override
  public Outcome call(String tool, JsonNode a) {
    switch (tool) {
      case "find_user_id_by_email": {
        for (Map.Entry<String, JsonNode> e : iterable(users.fields())) {
          if (e.getValue().get("email").asText().equalsIgnoreCase(s(a, "email"))) {
            return ok(e.getKey());
          }
        }
        return error("user not found");
      }
      case "find_user_id_by_name_zip": {
        for (Map.Entry<String, JsonNode> e : iterable(users.fields())) {
          JsonNode u = e.getValue();
          if (u.get("name").get("first_name").asText().equalsIgnoreCase(s(a, "first_name"))
              && u.get("name").get("last_name").asText().equalsIgnoreCase(s(a, "last_name"))
              && u.get("address").get("zip").asText().equals(s(a, "zip"))) {
            return ok(e.getKey());
          }
        }
        return error("user not found");
      }
      case "get_user_details":
        return users.has(s(a, "user_id")) ? ok(users.get(s(a, "user_id")).deepCopy()) : error("user not found");
      case "get_order_details":
        return orders.has(s(a, "order_id")) ? ok(orders.get(s(a, "order_id")).deepCopy()) : error("order not found");
      case "get_product_details":
        return products.has(s(a, "product_id")) ? ok(products.get(s(a, "product_id")).deepCopy()) : error("product not found");
      case "list_all_product_types": {
        ObjectNode out = object();
        products.forEach(p -> out.put(p.get("name").asText(), p.get("product_id").asText()));
        return ok(out);
      }
      case "cancel_pending_order":
        return cancel(a);
      case "modify_pending_order_address": {
        ObjectNode o = order(s(a, "order_id"));
        if (o == null) {
          return error("order not found");
        }
        if (!o.get("status").asText().equals("pending")) {
          return error("non-pending order cannot be modified");
        }
        o.set("address", addressOf(a));
        return ok(o.deepCopy());
      }
      case "modify_pending_order_items":
        return swapItems(a, "pending", "non-pending order cannot be modified", "pending (item modified)");
      case "exchange_delivered_order_items":
        return swapItems(a, "delivered", "non-delivered order cannot be exchanged", "exchange requested");
      case "modify_pending_order_payment":
        return changePayment(a);
      case "modify_user_address": {
        ObjectNode u = user(s(a, "user_id"));
        if (u == null) {
          return error("user not found");
        }
        u.set("address", addressOf(a));
        return ok(u.deepCopy());
      }
      case "return_delivered_order_items":
        return returnItems(a);
      case "calculate":
        return Environment.calculate(s(a, "expression"));
      case "think":
        return ok("");
      case "transfer_to_human_agents":
        return ok("Transfer successful");
      default:
        return error("unknown tool " + tool);
    }
  }

  private Outcome cancel(JsonNode a) {
    ObjectNode o = order(s(a, "order_id"));
    if (o == null) {
      return error("order not found");
    }
    if (!o.get("status").asText().equals("pending")) {
      return error("non-pending order cannot be cancelled");
    }
    String reason = s(a, "reason");
    if (!reason.equals("no longer needed") && !reason.equals("ordered by mistake")) {
      return error("invalid reason");
    }
    ArrayNode history = (ArrayNode) o.get("payment_history");
    List<JsonNode> refunds = new ArrayList<>();
    for (JsonNode p : history) {
      if (p.get("transaction_type").asText().equals("payment")) {
        refunds.add(object().put("transaction_type", "refund").put("amount", p.get("amount").asDouble())
            .put("payment_method_id", p.get("payment_method_id").asText()));
        credit(o.get("user_id").asText(), p.get("payment_method_id").asText(), p.get("amount").asDouble());
      }
    }
    history.addAll(refunds);
    o.put("status", "cancelled").put("cancel_reason", reason);
    return ok(o.deepCopy());
  }

  private Outcome swapItems(JsonNode a, String status, String statusError, String newStatus) {
    ObjectNode o = order(s(a, "order_id"));
    if (o == null) {
      return error("order not found");
    }
    if (!o.get("status").asText().equals(status)) {
      return error(statusError);
    }
    List<String> old = strings(a.get("item_ids"));
    List<String> neu = strings(a.get("new_item_ids"));
    if (old.size() != neu.size() || old.isEmpty()) {
      return error("the number of items to be exchanged should match");
    }
    double diff = 0;
    Map<JsonNode, JsonNode> swaps = new LinkedHashMap<>();
    for (int k = 0; k < old.size(); k++) {
      JsonNode item = null;
      for (JsonNode it : o.get("items")) {
        if (it.get("item_id").asText().equals(old.get(k)) && !swaps.containsKey(it)) {
          item = it;
        }
      }
      if (item == null) {
        return error(old.get(k) + " not found");
      }
      JsonNode variant = products.get(item.get("product_id").asText()).get("variants").get(neu.get(k));
      if (variant == null || !variant.get("available").asBoolean()) {
        return error("new item " + neu.get(k) + " not found or available");
      }
      diff += variant.get("price").asDouble() - item.get("price").asDouble();
      swaps.put(item, variant);
    }
    diff = money(diff);
    String pm = s(a, "payment_method_id");
    JsonNode method = users.get(o.get("user_id").asText()).get("payment_methods").get(pm);
    if (method == null) {
      return error("payment method not found");
    }
    if (method.get("source").asText().equals("gift_card") && method.get("balance").asDouble() < diff) {
      return error("insufficient gift card balance to pay for the price difference");
    }
    if (newStatus.equals("pending (item modified)")) {
      for (Map.Entry<JsonNode, JsonNode> e : swaps.entrySet()) {
        ((ObjectNode) e.getKey()).put("item_id", e.getValue().get("item_id").asText())
            .put("price", e.getValue().get("price").asDouble()).set("options", e.getValue().get("options").deepCopy());
      }
      ((ArrayNode) o.get("payment_history")).addObject().put("transaction_type", diff > 0 ? "payment" : "refund")
          .put("amount", Math.abs(diff)).put("payment_method_id", pm);
      credit(o.get("user_id").asText(), pm, -diff);
    } else {
      o.set("exchange_items", array().addAll(old.stream().map(Environment.JSON::valueToTree).map(JsonNode.class::cast).toList()));
      o.set("exchange_new_items", array().addAll(neu.stream().map(Environment.JSON::valueToTree).map(JsonNode.class::cast).toList()));
      o.put("exchange_payment_method_id", pm).put("exchange_price_difference", diff);
    }
    o.put("status", newStatus);
    return ok(o.deepCopy());
  }

  private Outcome changePayment(JsonNode a) {
    ObjectNode o = order(s(a, "order_id"));
    if (o == null) {
      return error("order not found");
    }
    if (!o.get("status").asText().equals("pending")) {
      return error("non-pending order cannot be modified");
    }
    String pm = s(a, "payment_method_id");
    JsonNode method = users.get(o.get("user_id").asText()).get("payment_methods").get(pm);
    if (method == null) {
      return error("payment method not found");
    }
    JsonNode first = o.get("payment_history").get(0);
    if (first.get("payment_method_id").asText().equals(pm)) {
      return error("the new payment method should be different from the current one");
    }
    double amount = first.get("amount").asDouble();
    if (method.get("source").asText().equals("gift_card") && method.get("balance").asDouble() < amount) {
      return error("insufficient gift card balance to pay for the order");
    }
    ArrayNode history = (ArrayNode) o.get("payment_history");
    history.addObject().put("transaction_type", "payment").put("amount", amount).put("payment_method_id", pm);
    history.addObject().put("transaction_type", "refund").put("amount", amount)
        .put("payment_method_id", first.get("payment_method_id").asText());
    credit(o.get("user_id").asText(), pm, -amount);
    credit(o.get("user_id").asText(), first.get("payment_method_id").asText(), amount);
    return ok(o.deepCopy());
  }

  private Outcome returnItems(JsonNode a) {
    ObjectNode o = order(s(a, "order_id"));
    if (o == null) {
      return error("order not found");
    }
    if (!o.get("status").asText().equals("delivered")) {
      return error("non-delivered order cannot be returned");
    }
    String pm = s(a, "payment_method_id");
    JsonNode method = users.get(o.get("user_id").asText()).get("payment_methods").get(pm);
    if (method == null) {
      return error("payment method not found");
    }
    if (!method.get("source").asText().equals("gift_card")
        && !pm.equals(o.get("payment_history").get(0).get("payment_method_id").asText())) {
      return error("payment method should be either the original payment method or a gift card");
    }
    List<String> ids = strings(a.get("item_ids"));
    List<String> have = new ArrayList<>(o.get("items").findValuesAsText("item_id"));
    for (String id : ids) {
      if (!have.remove(id)) {
        return error("some item not found");
      }
    }
    if (ids.isEmpty()) {
      return error("some item not found");
    }
    o.set("return_items", Environment.JSON.valueToTree(ids));
    o.put("return_payment_method_id", pm).put("status", "return requested");
    return ok(o.deepCopy());
  }

  /** Adds {@code amount} to a gift card's balance (negative: a charge); other methods have none. */
  private void credit(String uid, String pm, double amount) {
    JsonNode method = users.get(uid).get("payment_methods").get(pm);
    if (method != null && method.has("balance")) {
      ((ObjectNode) method).put("balance", money(method.get("balance").asDouble() + amount));
    }
  }

  private static ObjectNode addressOf(JsonNode a) {
    ObjectNode out = object();
    for (String f : List.of("address1", "address2", "city", "state", "country", "zip")) {
      out.put(f, s(a, f));
    }
    return out;
  }

  static String s(JsonNode a, String field) {
    JsonNode v = a.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      list.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  static <T> Iterable<T> iterable(Iterator<T> it) {
    return () -> it;
  }
}
