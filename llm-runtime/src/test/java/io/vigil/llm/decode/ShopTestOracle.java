package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A small hand-written test oracle standing in for the guard's policy oracle (tested in guard):
 * delete_account is never allowed; refunds only for orders #W1 and #W2 (the finite set it reports),
 * of at most 100, and never for reason "late" on #W2 (a rule only {@link #decide} sees, so the
 * decoder must treat decide as the last word); get_order_details for any order but #W0.
 */
class ShopTestOracle implements CallOracle {
  static final List<String> REFUNDABLE = List.of("#W1", "#W2");
  int decisions;

  @Override
  public boolean completable(PartialCall call) {
    switch (call.tool()) {
      case "delete_account":
        return false;
      case "get_order_details":
        return !"#W0".equals(text(call.known().get("order_id")));
      case "refund": {
        JsonNode order = call.known().get("order_id");
        if (order != null && !REFUNDABLE.contains(text(order))) {
          return false;
        }
        JsonNode amount = call.known().get("amount");
        return amount == null || amount.asDouble() <= 100;
      }
      default:
        return true;
    }
  }

  @Override
  public Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
    if (call.tool().equals("refund") && param.equals("order_id")) {
      return Optional.of(List.of(JsonNodeFactory.instance.textNode("#W1"), JsonNodeFactory.instance.textNode("#W2")));
    }
    return Optional.empty();
  }

  @Override
  public Verdict decide(String tool, ObjectNode arguments) {
    decisions++;
    PartialCall complete = new PartialCall(tool, toMap(arguments), java.util.Set.of());
    if (!completable(complete)) {
      return Verdict.deny(List.of("shop_rules"), tool + " is not allowed with " + arguments);
    }
    if (tool.equals("refund") && "#W2".equals(text(arguments.get("order_id")))
        && "late".equals(text(arguments.get("reason")))) {
      return Verdict.deny(List.of("no_late_refund_on_w2"), "late refunds are not given for #W2");
    }
    return Verdict.allow();
  }

  static java.util.Map<String, JsonNode> toMap(ObjectNode arguments) {
    java.util.Map<String, JsonNode> map = new java.util.LinkedHashMap<>();
    arguments.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }

  private static String text(JsonNode node) {
    return node == null ? null : node.asText();
  }
}
