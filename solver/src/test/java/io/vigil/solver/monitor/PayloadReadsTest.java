package io.vigil.solver.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.PolicyLoader;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.value.Json;
import io.vigil.solver.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a compact monitor keeps of tool outputs: what the rules read, per tool, and nothing else. */
class PayloadReadsTest {
  static final Path RETAIL = Files.isDirectory(Path.of("..", "examples")) ? Path.of("..", "examples", "retail", "retail.vigil")
      : Path.of("examples", "retail", "retail.vigil");

  private static Value json(String text) throws Exception {
    return Json.fromNode(Json.MAPPER.readTree(text));
  }

  @Test
  void anOrderKeepsWhatTheRetailRulesReadOfIt() throws Exception {
    CompiledPolicy policy = RuleCompiler.compile(PolicyLoader.load(RETAIL).policy(), "test");
    PayloadReads.Reads reads = PayloadReads.of(policy);
    Value order = json("""
        {"order_id": "#W1", "user_id": "mei_kim_1", "address": {"city": "Austin", "zip": "73301"},
         "items": [{"name": "Lamp", "item_id": "111", "price": 10.5, "options": {"color": "red"}},
                   {"name": "Bag", "item_id": "222", "price": 3}],
         "fulfillments": [{"tracking_id": ["9"], "item_ids": ["111"]}], "status": "pending",
         "payment_history": [{"transaction_type": "payment", "amount": 13.5, "payment_method_id": "credit_card_1"}]}""");
    Value kept = PayloadReads.project(order, reads.of("get_order_details"));
    assertEquals(json("""
        {"user_id": "mei_kim_1", "items": [{"item_id": "111", "price": 10.5}, {"item_id": "222", "price": 3}],
         "status": "pending", "payment_history": [{"payment_method_id": "credit_card_1"}]}"""), kept);
    // a user id (a string) is kept as it is; a tool no rule reads keeps nothing of an object
    Value id = Value.of("mei_kim_1");
    assertSame(id, PayloadReads.project(id, reads.of("find_user_id_by_email")));
    assertEquals(json("{}"), PayloadReads.project(json("{\"a\": 1}"), reads.of("think")));
  }

  @Test
  void listsKeepTheirLengthAndAComputedKeyKeepsEveryField() throws Exception {
    CompiledPolicy policy = RuleCompiler.compile(PolicyParser.parse(String.join("\n",
        "policy p",
        "tool a(k: string) -> json",
        "tool b() -> json",
        "rule r1: before a(k) require once ok b() returns r where len(r.rows) == 2 and r.byKey[k].n > 0",
        "rule r2: before a(k) require once ok b() returns r where \"flag\" in r.meta"), "p.vigil"), "test");
    PayloadReads.Node b = PayloadReads.of(policy).of("b");
    Value out = json("""
        {"rows": [{"x": 1}, {"y": 2}], "byKey": {"k1": {"n": 1, "junk": 2}, "k2": {"n": 0}},
         "meta": {"flag": {"deep": true}, "other": 1}, "unread": [1, 2, 3]}""");
    Value kept = PayloadReads.project(out, b);
    Map<String, Value> fields = ((Value.Obj) kept).fields();
    assertEquals(json("[{\"x\": 1}, {\"y\": 2}]"), fields.get("rows"), "len() reads the whole list");
    assertEquals(json("{\"k1\": {\"n\": 1}, \"k2\": {\"n\": 0}}"), fields.get("byKey"));
    assertTrue(((Value.Obj) fields.get("meta")).fields().containsKey("flag"), "a key tested with `in` stays");
    assertFalse(((Value.Obj) fields.get("meta")).fields().containsKey("other"));
    assertFalse(fields.containsKey("unread"));
  }
}
