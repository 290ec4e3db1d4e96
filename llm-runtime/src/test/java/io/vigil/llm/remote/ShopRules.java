package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.Verdict;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A shop's rules as an oracle: details of known orders only (#W1, #W2); cancel only the pending
 * #W1; refund only the delivered #W2, at most 50; never transfer to a human. Its allowed values
 * for refund's order are over-approximated ({@code #W2, #W3}) as a solver's may be.
 */
class ShopRules implements CallOracle {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static final List<ToolSchema> TOOLS = JsonSchemas.readTools("["
      + "{\"name\":\"get_order_details\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}},"
      + "{\"name\":\"cancel_pending_order\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"},"
      + "\"reason\":{\"type\":\"string\",\"enum\":[\"no longer needed\",\"ordered by mistake\"]}},\"required\":[\"order_id\",\"reason\"]}},"
      + "{\"name\":\"refund\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"},"
      + "\"amount\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}},\"required\":[\"order_id\",\"amount\"]}},"
      + "{\"name\":\"transfer_to_human\",\"parameters\":{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},\"required\":[\"summary\"]}}]");

  @Override
  public boolean completable(PartialCall call) {
    Map<String, JsonNode> known = call.known();
    switch (call.tool()) {
      case "get_order_details":
        return !known.containsKey("order_id") || Set.of("#W1", "#W2").contains(known.get("order_id").asText());
      case "cancel_pending_order":
        return !known.containsKey("order_id") || known.get("order_id").asText().equals("#W1");
      case "refund":
        return (!known.containsKey("order_id") || known.get("order_id").asText().equals("#W2"))
            && (!known.containsKey("amount") || known.get("amount").asLong() <= 50);
      default:
        return false;
    }
  }

  @Override
  public Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
    if (!param.equals("order_id")) {
      return Optional.empty();
    }
    switch (call.tool()) {
      case "get_order_details":
        return Optional.of(List.of(NODES.textNode("#W1"), NODES.textNode("#W2")));
      case "cancel_pending_order":
        return Optional.of(List.of(NODES.textNode("#W1")));
      case "refund":
        return Optional.of(List.of(NODES.textNode("#W2"), NODES.textNode("#W3")));
      default:
        return Optional.of(List.of());
    }
  }

  @Override
  public Verdict decide(String tool, ObjectNode arguments) {
    PartialCall whole = new PartialCall(tool, toMap(arguments), Set.of());
    return completable(whole) ? Verdict.allow() : Verdict.deny(List.of("shop_rules"), tool + " not allowed with " + arguments);
  }

  private static Map<String, JsonNode> toMap(ObjectNode node) {
    Map<String, JsonNode> map = new HashMap<>();
    node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue()));
    return map;
  }
}
