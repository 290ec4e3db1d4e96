package io.vigil.solver.z3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import io.vigil.dsl.parser.PolicyParser;
import io.vigil.solver.eval.Evaluator;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.ir.CompiledPolicy;
import io.vigil.solver.ir.CompiledRule;
import io.vigil.solver.ir.RuleCompiler;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test: the fast evaluator and Z3 must agree on every rule of a policy that uses
 * every construct, over many random traces. Per trace Z3 gets one query: "does some rule's Z3
 * truth value differ from the evaluator's?", which must be unsatisfiable.
 */
class EvaluatorAgreesWithZ3Test {
  static final int TRACES = 10_000;

  static final String POLICY = String.join("\n",
      "policy differential",
      "tool a(x: string, n: number) -> json",
      "tool b(x: string, items: list<string>) -> json",
      "tool c() -> string",
      "group any_tool = a, b, c",
      "let limit = 3",
      "rule r_once: before a(x, _) require once ok b(x, _)",
      "rule r_once_within: before a(..) require once within 30m user_message(t) where t matches /^\\s*(yes|y)\\b/i",
      "rule r_hist: before b(x, _) require historically (a(x2, n) where n < 50 or x2 != x)",
      "rule r_hist_within: before c() require historically within 1h not error any_tool(..)",
      "rule r_prev: before c() require previous ok a(..) returns r where r.status == \"open\"",
      "rule r_since: before a(x, n) require (not user_message) since (user_message(t) where lower(t) in [\"yes\", \"yes please\"])",
      "rule r_count: before b(..) require count(b(..)) < limit",
      "rule r_count_within: before a(..) require count within 10m (ok any_tool(..)) <= 2",
      "rule r_exists: before b(x, items) require exists i in items: i matches /^it[0-4]$/",
      "rule r_forall: before b(x, items) require forall i in items: i in [\"it1\", \"it2\", \"it5\"] or len(i) > 3",
      "rule r_path: before a(x, n) require once ok a(x, _) returns r where sum(r.lines[*].price) >= n",
      "rule r_index: before a(x, n) require once ok b(_, _) returns r where r.lines[0].price * 2 - 1 != n % 4",
      "rule r_keys: before b(x, _) require once ok c() returns s where s in [\"k\", \"open\"] or s + \"!\" == \"k1!\" or \"k\" in s",
      "rule r_obj: before a(x, _) require once ok b(_, _) returns r where r.owners[x] == true or r.status >= \"m\" or (x in keys(r.owners) and len(keys(r.owners)) == 1)",
      "rule r_time: before c() require now - time(\"2024-05-15T00:00:00\") > 0 and abs(min(1, -2)) == max(2, 1)",
      "rule r_text: before b(x, ..) require once (assistant_message(t) where t matches /conf(irm)?ed/ and not (t matches /[0-9]+/))",
      "rule r_err: before a(x, _) require not once error a(x, _) returns e where e matches /denied/",
      "rule r_implies: before a(x, n) require (n > 10 implies once ok c() returns s where s == x) and -n < 0");

  static final String[] STRINGS = {"x1", "x2", "k", "k1", "open", "closed", "it1", "it2", "it5", "item9"};
  static final String[] MESSAGES = {"yes", "Yes please", "y", "no", "wait", "YES!", "yesterday", "  y", "confirmed", "conf 12", "confed"};

  @Test
  void evaluatorAndZ3AgreeOnRandomTraces() throws Exception {
    CompiledPolicy policy = RuleCompiler.compile(PolicyParser.parse(POLICY, "differential.vigil"), "test");
    // two halves in parallel, each with its own Z3 context (contexts are single-threaded)
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<int[]> first = pool.submit(() -> compare(policy, 1, TRACES / 2));
      java.util.concurrent.Future<int[]> second = pool.submit(() -> compare(policy, 2, TRACES - TRACES / 2));
      int denials = first.get()[0] + second.get()[0];
      int allowances = first.get()[1] + second.get()[1];
      // the random traces must exercise both outcomes, or the comparison says little
      assertTrue(denials > TRACES, "denials " + denials);
      assertTrue(allowances > TRACES, "allowances " + allowances);
    } finally {
      pool.shutdown();
    }
  }

  /** Compares {@code traces} random situations; returns {rule denials, rule allowances}. */
  static int[] compare(CompiledPolicy policy, long seed, int traces) {
    Random random = new Random(seed);
    int denials = 0;
    int allowances = 0;
    try (Context ctx = new Context()) {
      Z3Values val = new Z3Values(ctx);
      Solver solver = ctx.mkSolver();
      for (int trace = 0; trace < traces; trace++) {
        Situation situation = randomSituation(random);
        List<BoolExpr> disagreements = new ArrayList<>();
        List<Boolean> expected = new ArrayList<>();
        for (CompiledRule rule : policy.rules()) {
          boolean holds = new Evaluator(situation, rule.variables()).holds(rule.holds());
          expected.add(holds);
          BoolExpr z3 = new Z3Encoder(ctx, val, situation, Map.of(), rule.variables()).formula(rule.holds());
          disagreements.add(holds ? ctx.mkNot(z3) : z3);
          if (holds) {
            allowances++;
          } else {
            denials++;
          }
        }
        solver.reset();
        solver.add(ctx.mkOr(disagreements.toArray(new BoolExpr[0])));
        Status status = solver.check();
        if (status != Status.UNSATISFIABLE) {
          StringBuilder which = new StringBuilder();
          for (int i = 0; i < policy.rules().size(); i++) {
            Solver single = ctx.mkSolver();
            single.add(disagreements.get(i));
            if (single.check() != Status.UNSATISFIABLE) {
              which.append(policy.rules().get(i).name()).append(" evaluator=").append(expected.get(i)).append("; ");
            }
          }
          assertEquals(Status.UNSATISFIABLE, status, "seed " + seed + " trace " + trace + " disagrees on " + which + "\n" + describe(situation));
        }
      }
    }
    return new int[] {denials, allowances};
  }

  static Situation randomSituation(Random random) {
    History history = new History();
    BigDecimal time = BigDecimal.valueOf(1_715_000_000L);
    int length = random.nextInt(12);
    int calls = 0;
    for (int i = 0; i < length; i++) {
      time = time.add(BigDecimal.valueOf(random.nextInt(900)));
      Optional<BigDecimal> at = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(time);
      switch (random.nextInt(5)) {
        case 0:
          history.append(new Event.UserMessage(pick(random, MESSAGES), at));
          break;
        case 1:
          history.append(new Event.AssistantMessage(pick(random, MESSAGES), at));
          break;
        default:
          Event.ToolCall call = randomCall(random, "c" + calls++, at);
          history.append(call);
          if (random.nextInt(4) != 0) {
            history.append(randomResult(random, call, at));
          }
      }
    }
    Event.ToolCall candidate = randomCall(random, "candidate", Optional.empty());
    return new Situation(history, candidate, time.add(BigDecimal.valueOf(random.nextInt(900))));
  }

  static Event.ToolCall randomCall(Random random, String id, Optional<BigDecimal> at) {
    Map<String, Value> args = new LinkedHashMap<>();
    String tool = pick(random, new String[] {"a", "b", "c"});
    if (!tool.equals("c")) {
      args.put("x", Value.of(pick(random, STRINGS)));
    }
    if (tool.equals("a")) {
      args.put("n", Value.of(random.nextInt(20) - 3));
    }
    if (tool.equals("b")) {
      List<Value> items = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        items.add(Value.of(pick(random, STRINGS)));
      }
      args.put("items", new Value.ListVal(items));
    }
    return new Event.ToolCall(id, tool, args, at);
  }

  static Event.ToolResult randomResult(Random random, Event.ToolCall call, Optional<BigDecimal> at) {
    if (random.nextInt(5) == 0) {
      return new Event.ToolResult(call.id(), call.tool(), Optional.empty(),
          Optional.of(random.nextBoolean() ? "access denied" : "not found"), Map.of(), at);
    }
    if (call.tool().equals("c")) {
      return new Event.ToolResult(call.id(), call.tool(), Optional.of(Value.of(pick(random, STRINGS))), Optional.empty(), Map.of(), at);
    }
    Map<String, Value> output = new LinkedHashMap<>();
    if (random.nextInt(4) != 0) {
      output.put("status", Value.of(pick(random, STRINGS)));
    }
    List<Value> lines = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      Map<String, Value> line = new LinkedHashMap<>();
      line.put("price", random.nextInt(6) == 0 ? Value.of("free") : Value.of(new BigDecimal(random.nextInt(2000)).movePointLeft(2)));
      lines.add(new Value.Obj(line));
    }
    output.put("lines", new Value.ListVal(lines));
    Map<String, Value> owners = new LinkedHashMap<>();
    owners.put(pick(random, STRINGS), Value.of(random.nextBoolean()));
    output.put("owners", new Value.Obj(owners));
    return new Event.ToolResult(call.id(), call.tool(), Optional.of(new Value.Obj(output)), Optional.empty(), Map.of(), at);
  }

  static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }

  static String describe(Situation s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.history().size(); i++) {
      out.append(i).append(": ").append(s.history().get(i)).append('\n');
    }
    return out.append("candidate: ").append(s.candidate()).append(" now=").append(s.now()).toString();
  }
}
