package io.vigil.solver.bench;

import io.vigil.solver.trace.Event;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Synthetic but realistic tau-bench retail sessions for benchmarks: one user authenticates by
 * email, the agent reads their profile and many orders and products, thinks, and cancels pending
 * orders or returns items of delivered ones after an explicit confirmation, as a compliant agent
 * would (every call is allowed under examples/retail/retail.vigil). Deterministic for a seed.
 */
public final class RetailWorkload {
  /** A session of exactly {@code history.size()} events, and calls that are all allowed after it. */
  public record Session(List<Event> history, List<Event.ToolCall> candidates) {}

  private static final String[] FIRST = {"yusuf", "mei", "omar", "lucas", "sofia", "ivan", "aya", "noah"};
  private static final String[] LAST = {"rossi", "khan", "garcia", "smith", "kim", "muller", "silva", "ito"};
  private static final String[] PRODUCTS = {"T-Shirt", "Espresso Machine", "Desk Lamp", "Backpack", "Water Bottle", "Sneakers"};
  private static final String[] CITIES = {"Philadelphia", "Denver", "Austin", "Seattle", "Columbus"};

  private final Random random;
  private final Consumer<Event> out;
  private final String userId;
  private final String email;
  private final List<String> paymentMethods = new ArrayList<>();
  private final Map<String, Value> paymentMethodValues = new LinkedHashMap<>();
  private final List<Order> orders = new ArrayList<>();
  private final List<Order> unacted = new ArrayList<>();
  private long time = 1_715_000_000L;
  private int calls;
  private int emitted;

  private static final class Order {
    final String id;
    String status;
    final List<Value> items = new ArrayList<>();
    final List<String> itemIds = new ArrayList<>();
    final String paymentMethod;
    final BigDecimal total;

    Order(String id, String status, String paymentMethod, BigDecimal total) {
      this.id = id;
      this.status = status;
      this.paymentMethod = paymentMethod;
      this.total = total;
    }
  }

  private RetailWorkload(long seed, Consumer<Event> out) {
    this.random = new Random(seed);
    this.out = out;
    String first = FIRST[random.nextInt(FIRST.length)];
    String last = LAST[random.nextInt(LAST.length)];
    this.userId = first + "_" + last + "_" + (1000 + random.nextInt(9000));
    this.email = first + "." + last + (random.nextInt(9000) + 1000) + "@example.com";
    String card = "credit_card_" + (1_000_000 + random.nextInt(9_000_000));
    String gift = "gift_card_" + (1_000_000 + random.nextInt(9_000_000));
    String paypal = "paypal_" + (1_000_000 + random.nextInt(9_000_000));
    paymentMethods.add(card);
    paymentMethods.add(gift);
    paymentMethods.add(paypal);
    paymentMethodValues.put(card, obj("source", str("credit_card"), "brand", str("visa"), "last_four", str("" + (1000 + random.nextInt(9000))), "id", str(card)));
    paymentMethodValues.put(gift, obj("source", str("gift_card"), "balance", num(random.nextInt(30000), 2), "id", str(gift)));
    paymentMethodValues.put(paypal, obj("source", str("paypal"), "id", str(paypal)));
  }

  /** A session of exactly {@code length} (>= 10) events followed by allowed candidate calls. */
  public static Session session(long seed, int length) {
    List<Event> events = new ArrayList<>(length);
    RetailWorkload w = new RetailWorkload(seed, events::add);
    List<Event.ToolCall> candidates = w.run(length);
    return new Session(events, candidates);
  }

  /** Streams {@code length} events of one long session (for replay of very long traces). */
  public static void stream(long seed, int length, Consumer<Event> sink) {
    new RetailWorkload(seed, sink).run(length);
  }

  private List<Event.ToolCall> run(int length) {
    if (length < 10) {
      throw new IllegalArgumentException("a retail session needs at least 10 events");
    }
    // the user's orders, all listed in their profile: a few, plus one per ~400 events to act on
    Order pending = newOrder("pending");
    Order delivered = newOrder("delivered");
    unacted.clear(); // the two above are kept for the final confirmation
    for (int i = 6 + length / 400; i > 0; i--) {
      newOrder(random.nextBoolean() ? "pending" : "delivered");
    }
    user("Hi! I need help with my orders. My email is " + email + ".");
    call("find_user_id_by_email", Map.of("email", str(email)), str(userId));
    if (length >= 30) {
      readProfile();
    }
    int tail = 6;
    while (length - emitted > tail) {
      int left = length - emitted - tail;
      int kind = random.nextInt(20);
      Order target = left >= 10 && kind < 2 && random.nextInt(4) == 0 ? fresh(kind == 0 ? "pending" : "delivered") : null;
      if (target != null && kind == 0) {
        cancelEpisode(target);
      } else if (target != null) {
        returnEpisode(target);
      } else if (left >= 4 && kind < 12) {
        Order o = orders.get(random.nextInt(orders.size()));
        user("Can you check order " + o.id + " for me?");
        readOrder(o);
        assistant("Order " + o.id + " is " + o.status + "; it has " + o.items.size() + " item(s), total $" + o.total + ".");
      } else if (left >= 2 && kind < 16) {
        call("get_product_details", Map.of("product_id", str("" + (1_000_000_000L + random.nextInt(900_000_000)))), product());
      } else if (left >= 2 && kind < 18) {
        call("think", Map.of("thought", str("The user wants to know about their orders; check statuses first.")), str(""));
      } else if (left >= 2) {
        call("calculate", Map.of("expression", str(random.nextInt(500) + " + " + random.nextInt(500))), num(random.nextInt(1000), 0));
      } else {
        user("Thanks, one more thing.");
      }
    }
    readOrder(pending);
    readOrder(delivered);
    assistant("To confirm: I will cancel order " + pending.id + " (reason: no longer needed) and return item "
        + delivered.itemIds.get(0) + " of order " + delivered.id + " with a refund to " + delivered.paymentMethod
        + ". Shall I proceed?");
    user("Yes, please proceed.");
    Order other = orders.get(random.nextInt(orders.size()));
    List<Event.ToolCall> candidates = new ArrayList<>();
    candidates.add(toolCall("get_order_details", Map.of("order_id", str(other.id))));
    candidates.add(toolCall("cancel_pending_order", Map.of("order_id", str(pending.id), "reason", str("no longer needed"))));
    candidates.add(toolCall("get_product_details", Map.of("product_id", str("8310926033"))));
    candidates.add(toolCall("return_delivered_order_items", Map.of("order_id", str(delivered.id),
        "item_ids", new Value.ListVal(List.of(str(delivered.itemIds.get(0)))), "payment_method_id", str(delivered.paymentMethod))));
    candidates.add(toolCall("modify_pending_order_address", address(pending.id)));
    candidates.add(toolCall("think", Map.of("thought", str("Both actions were confirmed."))));
    return candidates;
  }

  private void cancelEpisode(Order o) {
    user("I'd like to cancel order " + o.id + ", I no longer need it.");
    readOrder(o);
    assistant("Order " + o.id + " is pending. I can cancel it with reason 'no longer needed'. Do you want me to proceed?");
    user("Yes");
    o.status = "cancelled";
    call("cancel_pending_order", Map.of("order_id", str(o.id), "reason", str("no longer needed")), orderValue(o));
    assistant("Order " + o.id + " is cancelled; the refund goes to " + o.paymentMethod + ".");
    user("Great, thanks.");
  }

  private void returnEpisode(Order o) {
    user("I want to return the " + PRODUCTS[random.nextInt(PRODUCTS.length)] + " from order " + o.id + ".");
    readOrder(o);
    assistant("I can return item " + o.itemIds.get(0) + " of order " + o.id + " with a refund to " + o.paymentMethod + ". Shall I proceed?");
    user("Yes, go ahead.");
    o.status = "return requested";
    call("return_delivered_order_items", Map.of("order_id", str(o.id), "item_ids", new Value.ListVal(List.of(str(o.itemIds.get(0)))),
        "payment_method_id", str(o.paymentMethod)), orderValue(o));
    assistant("The return is requested.");
    user("Thank you.");
  }

  private void readProfile() {
    List<Value> ids = new ArrayList<>();
    orders.forEach(o -> ids.add(str(o.id)));
    Value profile = obj("user_id", str(userId), "name", obj("first_name", str(userId.split("_")[0]), "last_name", str(userId.split("_")[1])),
        "address", addressValue(), "email", str(email), "payment_methods", new Value.Obj(paymentMethodValues),
        "orders", new Value.ListVal(ids));
    call("get_user_details", Map.of("user_id", str(userId)), profile);
  }

  private void readOrder(Order o) {
    call("get_order_details", Map.of("order_id", str(o.id)), orderValue(o));
  }

  /** An order of the user not acted on (nor reserved) yet, in {@code status}; null when none is left. */
  private Order fresh(String status) {
    for (int i = 0; i < unacted.size(); i++) {
      if (unacted.get(i).status.equals(status)) {
        return unacted.remove(i);
      }
    }
    return null;
  }

  private Order newOrder(String status) {
    String id = "#W" + (1_000_000 + random.nextInt(9_000_000)) + orders.size();
    String pm = paymentMethods.get(random.nextInt(3) == 0 ? 2 : 0); // refunds go to the original card or paypal
    int n = 1 + random.nextInt(3);
    List<Value> items = new ArrayList<>();
    List<String> itemIds = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      String itemId = "" + (1_000_000_000L + random.nextInt(900_000_000));
      BigDecimal price = BigDecimal.valueOf(500 + random.nextInt(300_000), 2);
      total = total.add(price);
      itemIds.add(itemId);
      items.add(obj("name", str(PRODUCTS[random.nextInt(PRODUCTS.length)]), "product_id", str("" + (1_000_000_000L + random.nextInt(900_000_000))),
          "item_id", str(itemId), "price", new Value.Num(price),
          "options", obj("color", str("blue"), "size", str("M"))));
    }
    Order o = new Order(id, status, pm, total);
    o.items.addAll(items);
    o.itemIds.addAll(itemIds);
    orders.add(o);
    unacted.add(o);
    return o;
  }

  private Value orderValue(Order o) {
    return obj("order_id", str(o.id), "user_id", str(userId), "address", addressValue(),
        "items", new Value.ListVal(o.items),
        "fulfillments", new Value.ListVal(o.status.equals("pending") ? List.of()
            : List.of(obj("tracking_id", new Value.ListVal(List.of(str("" + (100_000_000_000L + random.nextInt(900_000_000))))),
                "item_ids", new Value.ListVal(o.itemIds.stream().map(RetailWorkload::str).toList())))),
        "status", str(o.status),
        "payment_history", new Value.ListVal(List.of(obj("transaction_type", str("payment"), "amount", new Value.Num(o.total),
            "payment_method_id", str(o.paymentMethod)))));
  }

  private Value product() {
    Map<String, Value> variants = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      String item = "" + (1_000_000_000L + random.nextInt(900_000_000));
      variants.put(item, obj("item_id", str(item), "options", obj("color", str(i == 0 ? "red" : "blue")),
          "available", Value.of(random.nextBoolean()), "price", num(1000 + random.nextInt(50_000), 2)));
    }
    return obj("name", str(PRODUCTS[random.nextInt(PRODUCTS.length)]), "product_id", str("" + (1_000_000_000L + random.nextInt(900_000_000))),
        "variants", new Value.Obj(variants));
  }

  private Value addressValue() {
    return obj("address1", str((100 + random.nextInt(900)) + " Broadway"), "address2", str("Suite " + random.nextInt(500)),
        "city", str(CITIES[random.nextInt(CITIES.length)]), "country", str("USA"), "state", str("PA"), "zip", str("" + (10000 + random.nextInt(89999))));
  }

  private Map<String, Value> address(String orderId) {
    Map<String, Value> args = new LinkedHashMap<>();
    args.put("order_id", str(orderId));
    args.put("address1", str("1 Main St"));
    args.put("address2", str(""));
    args.put("city", str("Austin"));
    args.put("state", str("TX"));
    args.put("country", str("USA"));
    args.put("zip", str("73301"));
    return args;
  }

  // ------------------------------------------------------------------ events

  private Optional<BigDecimal> tick() {
    time += 1 + random.nextInt(20);
    return Optional.of(BigDecimal.valueOf(time));
  }

  private void user(String text) {
    emit(new Event.UserMessage(text, tick()));
  }

  private void assistant(String text) {
    emit(new Event.AssistantMessage(text, tick()));
  }

  private void call(String tool, Map<String, Value> args, Value output) {
    String id = "call_" + (++calls);
    emit(new Event.ToolCall(id, tool, args, tick()));
    emit(new Event.ToolResult(id, tool, Optional.of(output), Optional.empty(), Map.of(), tick()));
  }

  private Event.ToolCall toolCall(String tool, Map<String, Value> args) {
    return new Event.ToolCall("candidate_" + (++calls), tool, args, Optional.of(BigDecimal.valueOf(time + 5)));
  }

  private void emit(Event e) {
    out.accept(e);
    emitted++;
  }

  static Value str(String s) {
    return Value.of(s);
  }

  private static Value num(long unscaled, int scale) {
    return new Value.Num(BigDecimal.valueOf(unscaled, scale));
  }

  private static Value obj(Object... keyValues) {
    Map<String, Value> fields = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      fields.put((String) keyValues[i], (Value) keyValues[i + 1]);
    }
    return new Value.Obj(fields);
  }
}
