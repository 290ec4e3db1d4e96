package io.vigil.solver.testing;

import io.vigil.solver.eval.Situation;
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

/**
 * Random sessions for differential tests: a policy that uses every construct, and a generator of
 * messages, calls of three tools and their results (small value sets, so rules both hold and fail).
 */
public final class RandomTraces {
  public static final String POLICY = String.join("\n",
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

  /**
   * Rules added to {@link #POLICY} for the monitor: keys the indexes serve (payload fields, object
   * keys, list elements, substrings of a string output, spreads), keyed counts and since, a key
   * fixed by an enclosing quantifier, windows on both sides of a since, and index filters.
   */
  public static final String MONITOR_RULES = String.join("\n",
      "rule m_member_keys: before b(x, _) require once ok a(_, _) returns r where x in r.owners",
      "rule m_member_list: before a(x, _) require once (ok b(_, items) where x in items)",
      "rule m_member_string: before b(x, _) require not once ok c() returns s where x in s",
      "rule m_member_spread: before a(_, n) require once ok any_tool(..) returns r where n in r.lines[*].price",
      "rule m_field_eq: before b(x, _) require once (ok a(..) returns r where r.status == x)",
      "rule m_nested: before b(x, _) require once (ok a(x, _) returns r where once (ok c() returns s where s == r.status))",
      "rule m_count_key: before a(x, _) require count(a(x, _)) <= 4 and count within 20m (b(x, ..)) < 2",
      "rule m_since_key: before a(x, _) require (not ok b(x, _)) since (ok a(x, _) returns r where \"lines\" in r)",
      "rule m_since_msg: before c() require (not error any_tool(..)) since (assistant_message(t) where \"conf\" in t)",
      "rule m_hist_key: before b(x, _) require historically (not (error b(x, _) returns e where e matches /found/))",
      "rule m_prev_once: before b(x, _) require not once (previous (a(x, _)) and ok any_tool(..))",
      "rule m_forall_or: before c() require historically ((a(..) or b(..)) implies not (user_message or assistant_message))",
      // index filters: conditions on the event alone (a payload field, a regex on it, list elements)
      "rule m_filter_since: before b(x, _) require (not ((ok a(x, _) returns y where y.status != \"open\") or error b(x, _))) since (ok a(x, _) returns r where r.status == \"open\")",
      "rule m_filter_regex: before b(x, _) require not once (ok a(x, _) returns r where r.status matches /^(k|it)[0-9]/ and len(r.lines) < 2)",
      "rule m_filter_elem: before a(x, n) require not once (ok b(x, _) returns r where (exists l in r.lines: l.price > 10) and n > 5)",
      "rule m_filter_text: before c() require (not user_message(_)) since (user_message(t) where lower(t) == \"yes\" or \"conf\" in t)");

  public static final String[] STRINGS = {"x1", "x2", "k", "k1", "open", "closed", "it1", "it2", "it5", "item9"};
  public static final String[] MESSAGES = {"yes", "Yes please", "y", "no", "wait", "YES!", "yesterday", "  y", "confirmed", "conf 12", "confed"};

  private final Random random;
  private final boolean jitter;
  private BigDecimal time = BigDecimal.valueOf(1_715_000_000L);
  private int calls;

  /** {@code jitter}: event times sometimes go backwards (so windows cannot be binary-searched). */
  public RandomTraces(Random random, boolean jitter) {
    this.random = random;
    this.jitter = jitter;
  }

  public RandomTraces(Random random) {
    this(random, false);
  }

  /** A random situation of up to 11 steps (a message, or a call usually with its result). */
  public static Situation randomSituation(Random random) {
    RandomTraces g = new RandomTraces(random);
    History history = new History();
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      g.step().forEach(history::append);
    }
    return g.decide(history);
  }

  /** One step: a user or assistant message, or a call followed (3 times in 4) by its result. */
  public List<Event> step() {
    time = time.add(BigDecimal.valueOf(random.nextInt(900) - (jitter && random.nextInt(8) == 0 ? 1200 : 0)));
    Optional<BigDecimal> at = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(time);
    List<Event> out = new ArrayList<>(2);
    switch (random.nextInt(5)) {
      case 0:
        out.add(new Event.UserMessage(pick(random, MESSAGES), at));
        break;
      case 1:
        out.add(new Event.AssistantMessage(pick(random, MESSAGES), at));
        break;
      default:
        Event.ToolCall call = randomCall(random, "c" + calls++, at);
        out.add(call);
        if (random.nextInt(4) != 0) {
          out.add(randomResult(random, call, at));
        }
    }
    return out;
  }

  /** A random candidate call on {@code history}, decided a little after the latest step. */
  public Situation decide(History history) {
    Event.ToolCall candidate = randomCall(random, "candidate", Optional.empty());
    return new Situation(history, candidate, time.add(BigDecimal.valueOf(random.nextInt(900))));
  }

  public static Event.ToolCall randomCall(Random random, String id, Optional<BigDecimal> at) {
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

  public static Event.ToolResult randomResult(Random random, Event.ToolCall call, Optional<BigDecimal> at) {
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
      line.put("sku", Value.of(pick(random, STRINGS))); // read by no rule: a compact monitor drops it
      lines.add(new Value.Obj(line));
    }
    output.put("lines", new Value.ListVal(lines));
    Map<String, Value> owners = new LinkedHashMap<>();
    owners.put(pick(random, STRINGS), Value.of(random.nextBoolean()));
    output.put("owners", new Value.Obj(owners));
    if (random.nextBoolean()) {
      output.put("memo", Value.of(pick(random, MESSAGES))); // read by no rule
    }
    return new Event.ToolResult(call.id(), call.tool(), Optional.of(new Value.Obj(output)), Optional.empty(), Map.of(), at);
  }

  public static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }

  public static String describe(Situation s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.history().size(); i++) {
      out.append(i).append(": ").append(s.history().get(i)).append('\n');
    }
    return out.append("candidate: ").append(s.candidate()).append(" now=").append(s.now()).toString();
  }
}
