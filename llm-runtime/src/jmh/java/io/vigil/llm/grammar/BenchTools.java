package io.vigil.llm.grammar;

import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.schema.ToolSchema;
import java.util.List;

/** Retail-style tools and calls (tau-bench shaped) for the mask benchmarks. */
final class BenchTools {
  private BenchTools() {}

  static final List<ToolSchema> TOOLS = JsonSchemas.readTools("""
      [{"name": "find_user_id_by_email", "parameters": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}},
       {"name": "find_user_id_by_name_zip", "parameters": {"type": "object", "properties": {"first_name": {"type": "string"},
         "last_name": {"type": "string"}, "zip": {"type": "string"}}, "required": ["first_name", "last_name", "zip"]}},
       {"name": "get_user_details", "parameters": {"type": "object", "properties": {"user_id": {"type": "string"}}, "required": ["user_id"]}},
       {"name": "get_order_details", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}},
       {"name": "cancel_pending_order", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"},
         "reason": {"enum": ["no longer needed", "ordered by mistake"]}}, "required": ["order_id", "reason"]}},
       {"name": "return_delivered_order_items", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"},
         "item_ids": {"type": "array", "items": {"type": "string"}}, "payment_method_id": {"type": "string"}},
         "required": ["order_id", "item_ids", "payment_method_id"]}},
       {"name": "modify_user_address", "parameters": {"type": "object", "properties": {"user_id": {"type": "string"},
         "address1": {"type": "string"}, "address2": {"type": "string"}, "city": {"type": "string"}, "state": {"type": "string"},
         "country": {"type": "string"}, "zip": {"type": "string"}}, "required": ["user_id", "address1", "city", "country", "zip"]}},
       {"name": "calculate", "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}},
       {"name": "transfer_to_human_agents", "parameters": {"type": "object", "properties": {"summary": {"type": "string"},
         "priority": {"type": "integer"}, "urgent": {"type": "boolean"}}, "required": ["summary"]}}]
      """);

  static final List<String> CALLS = List.of(
      "{\"name\": \"find_user_id_by_email\", \"arguments\": {\"email\": \"yusuf.rossi7301@example.com\"}}",
      "{\"name\": \"find_user_id_by_name_zip\", \"arguments\": {\"first_name\": \"Mei\", \"last_name\": \"Kovacs\", \"zip\": \"28236\"}}",
      "{\"name\": \"get_user_details\", \"arguments\": {\"user_id\": \"mei_kovacs_8020\"}}",
      "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W2378156\"}}",
      "{\"name\": \"get_order_details\", \"arguments\": {\"order_id\": \"#W7209932\"}}",
      "{\"name\": \"cancel_pending_order\", \"arguments\": {\"order_id\": \"#W2378156\", \"reason\": \"no longer needed\"}}",
      "{\"name\": \"return_delivered_order_items\", \"arguments\": {\"order_id\": \"#W2378156\", \"item_ids\": [\"4983901480\", \"7602931732\"], \"payment_method_id\": \"credit_card_9513926\"}}",
      "{\"name\": \"modify_user_address\", \"arguments\": {\"user_id\": \"mei_kovacs_8020\", \"address1\": \"317 Elm Street\", \"city\": \"Charlotte\", \"country\": \"USA\", \"zip\": \"28236\"}}",
      "{\"name\": \"calculate\", \"arguments\": {\"expression\": \"(129.99 + 54.04) * 0.9\"}}",
      "{\"name\": \"transfer_to_human_agents\", \"arguments\": {\"summary\": \"The user wants a refund to a closed card; café \\\"Ünïcødé\\\" ✓ 日本\", \"priority\": 2, \"urgent\": true}}");
}
