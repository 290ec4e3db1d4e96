package io.vigil.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.parser.PolicyParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCheckerTest {
  /** Declarations shared by most tests: lines 1 to 6, so rules start at line 7. */
  private static final String PRELUDE = """
      policy t
      tool get(order_id: string) -> json
      tool cancel(order_id: string, reason: string)
      tool pay(amount: number, ids: list<string>) -> number
      tool find(email: string) -> string
      group orders = get, cancel
      """;

  private static List<String> check(String source) {
    return PolicyChecker.check(PolicyParser.parse(source, "c.vigil")).stream()
        .map(Diagnostic::toString)
        .toList();
  }

  /** Diagnostics of {@code rules} appended to the prelude (first rule line is 7). */
  private static List<String> rules(String rules) {
    return check(PRELUDE + rules);
  }

  private static void assertClean(String rules) {
    assertEquals(List.of(), rules(rules));
  }

  @Test
  void cleanPolicy() {
    assertClean("""
        let limit = 3
        let names = ["a", "b"]
        rule r:
          before cancel(o, reason)
          when reason in names
          require once ok get(o) returns d where d.status == "pending" and len(d.items) < limit
          because "order {o} ({reason}) is not pending"
        rule s:
          before orders(order_id: o, ..)
          require (once user_message(t) where t matches /yes/i and o in t)
            and count within 7d (ok pay(..)) < limit
            and exists i in [1, 2]: i + 1 > 0 and now - 24h > time("2024-01-01")
        rule u:
          before pay(amount, ids)
          require amount <= sum([1, 2]) and forall i in ids: lower(i) != upper(i)
            and abs(-amount) == min(amount, max(1, 2)) and len(keys(null)) >= 0
        """);
  }

  // ---- declarations ----

  @Test
  void duplicateNames() {
    assertEquals(List.of(
            "c.vigil:3:6: error: duplicate tool 'a' (first declared at line 2)",
            "c.vigil:4:7: error: group 'a' has the same name as tool 'a' (line 2)",
            "c.vigil:5:19: error: duplicate parameter 'x' in tool 'b'",
            "c.vigil:7:7: error: duplicate group 'g' (first declared at line 6)",
            "c.vigil:9:5: error: duplicate constant 'k' (first declared at line 8)",
            "c.vigil:11:6: error: duplicate rule 'r' (first declared at line 10)"),
        check("""
            policy t
            tool a()
            tool a()
            group a = b
            tool b(x: string, x: number)
            group g = b
            group g = b
            let k = 1
            let k = 2
            rule r: before b(..) require true
            rule r: before b(..) require true
            """));
  }

  @Test
  void toolNamedLikeBuiltin() {
    assertEquals(List.of("c.vigil:2:6: error: tool 'len' has the name of a built-in function"),
        check("policy t\ntool len(x: string)\n"));
  }

  @Test
  void unknownGroupMember() {
    assertEquals(List.of("c.vigil:3:7: error: unknown tool or group 'nope' in group 'g'"),
        check("policy t\ntool a()\ngroup g = a, nope\n"));
  }

  @Test
  void cyclicGroups() {
    assertEquals(List.of(
            "c.vigil:3:7: error: group 'g' is cyclic: g -> h -> g",
            "c.vigil:4:7: error: group 'h' is cyclic: h -> g -> h",
            "c.vigil:5:7: error: group 'self' is cyclic: self -> self"),
        check("policy t\ntool a()\ngroup g = a, h\ngroup h = g\ngroup self = self\n"));
  }

  // ---- patterns ----

  @Test
  void unknownTrigger() {
    assertEquals(List.of("c.vigil:8:10: error: unknown tool or group 'nope'"),
        rules("rule r:\n  before nope(x)\n  require x == 1\n"));
  }

  @Test
  void unknownToolInFormula() {
    assertEquals(List.of("c.vigil:9:16: error: unknown tool or group 'missing'"),
        rules("rule r:\n  before get(_)\n  require once ok missing(..)\n"));
  }

  @Test
  void wrongArity() {
    assertEquals(List.of("c.vigil:8:10: error: tool 'cancel' takes 2 arguments, got 1"),
        rules("rule r:\n  before cancel(o)\n  require o == \"\"\n"));
    assertEquals(List.of("c.vigil:9:16: error: tool 'get' takes 1 argument, got 2"),
        rules("rule r:\n  before get(o)\n  require once get(o, _)\n"));
    assertEquals(List.of("c.vigil:8:10: error: tool 'get' takes 1 argument, got 2"),
        rules("rule r:\n  before get(o, _, ..)\n  require o == \"\"\n"));
    assertClean("rule r:\n  before cancel(o, ..)\n  require o == \"\"\n");
    assertClean("rule r:\n  before cancel(reason: x, order_id: o)\n  require o == x\n");
  }

  @Test
  void unknownNamedParameter() {
    assertEquals(List.of("c.vigil:8:20: error: tool 'cancel' has no parameter 'why'"),
        rules("rule r:\n  before cancel(o, why: _)\n  require o == \"\"\n"));
  }

  @Test
  void duplicateArgument() {
    assertEquals(List.of("c.vigil:8:20: error: duplicate argument 'order_id'"),
        rules("rule r:\n  before cancel(o, order_id: _, ..)\n  require o == \"\"\n"));
  }

  @Test
  void positionalAfterNamed() {
    assertEquals(List.of("c.vigil:8:28: error: positional argument after named arguments"),
        rules("rule r:\n  before cancel(reason: _, o)\n  require o == \"\"\n"));
  }

  @Test
  void groupArguments() {
    assertEquals(List.of("c.vigil:8:17: error: group 'orders' takes only named arguments and '..'"),
        rules("rule r:\n  before orders(o, ..)\n  require o == \"\"\n"));
    assertEquals(List.of("c.vigil:8:17: error: 'reason' is not a parameter of every tool of group 'orders'"
            + " (tool 'get' has none)"),
        rules("rule r:\n  before orders(reason: x, ..)\n  require x == \"\"\n"));
    assertEquals(List.of("c.vigil:8:10: error: a pattern on group 'orders' must end with '..'"
            + " (tool 'cancel' takes 2 arguments)"),
        rules("rule r:\n  before orders(order_id: o)\n  require o == \"\"\n"));
  }

  @Test
  void argumentTypes() {
    assertEquals(List.of("c.vigil:8:14: error: argument 'order_id' of 'get' expects string, got number"),
        rules("rule r:\n  before get(12)\n  require true\n"));
    assertEquals(List.of("c.vigil:8:22: error: argument 'ids' of 'pay' expects list<string>, got list<number>"),
        rules("rule r:\n  before pay(_, ids: [1])\n  require true\n"));
    assertEquals(List.of("c.vigil:9:23: error: argument 'amount' of 'pay' expects number, got string"),
        rules("rule r:\n  before get(o)\n  require once ok pay(o, ..)\n"));
  }

  @Test
  void triggerMustBeACall() {
    assertEquals(List.of("c.vigil:8:10: error: a rule's trigger must be a tool call pattern, not an 'ok' result"),
        rules("rule r:\n  before ok get(_)\n  require true\n"));
    assertEquals(List.of("c.vigil:8:10: error: a rule's trigger must be a tool call pattern, not a user message"),
        rules("rule r:\n  before user_message\n  require true\n"));
  }

  @Test
  void returnsOnlyOnResults() {
    assertEquals(List.of("c.vigil:8:10: error: 'returns' applies only to ok and error patterns"),
        rules("rule r:\n  before get(_) returns x\n  require x == 1\n"));
  }

  @Test
  void returnsTakesTheToolsReturnType() {
    assertEquals(List.of("c.vigil:9:45: error: cannot compare number with string"),
        rules("rule r:\n  before get(_)\n  require once ok pay(..) returns n where n == \"x\"\n"));
    assertEquals(List.of("c.vigil:9:47: error: cannot access field 'f' of string"),
        rules("rule r:\n  before get(_)\n  require once error get(..) returns e where e.f == 1\n"));
  }

  // ---- scopes ----

  @Test
  void unboundVariable() {
    assertEquals(List.of("c.vigil:9:11: error: unbound variable 'x'"),
        rules("rule r:\n  before get(o)\n  require x == o\n"));
  }

  @Test
  void patternBindingsAreInScopeOnlyInTheirWhere() {
    assertEquals(List.of("c.vigil:9:17: warning: variable 'd' is bound but never used (write _ or _d)",
            "c.vigil:9:42: error: unbound variable 'd'"),
        rules("rule r:\n  before get(o)\n  require (once ok get(o) returns d) and d == 1\n"));
    assertEquals(List.of("c.vigil:9:45: error: unbound variable 'p'"),
        rules("rule r:\n  before get(o)\n  require (once ok get(p) where p == o) and p == o\n"));
  }

  @Test
  void quantifierVariableIsInScopeInItsBody() {
    assertEquals(List.of("c.vigil:9:40: error: unbound variable 'x'"),
        rules("rule r:\n  before get(o)\n  require (exists x in [o]: x == o) or x == o\n"));
  }

  @Test
  void letConstantsAreGlobalAndOrdered() {
    assertEquals(List.of("c.vigil:7:9: error: unbound variable 'b'"),
        rules("let a = b\nlet b = 1\nrule r:\n  before pay(n, _)\n  require n < b\n"));
  }

  @Test
  void messageHoleMustBeBound() {
    assertEquals(List.of("c.vigil:10:26: error: unbound variable 'who'"),
        rules("rule r:\n  before get(o)\n  require o == \"x\"\n  because \"order {o} of {who}\"\n"));
  }

  @Test
  void boundVariablesCompareInsteadOfRebinding() {
    assertEquals(List.of("c.vigil:9:20: error: argument 'amount' of 'pay' expects number, got string"),
        rules("rule r:\n  before get(o)\n  require once pay(o, _)\n"));
  }

  @Test
  void unusedVariables() {
    assertEquals(List.of(
            "c.vigil:8:14: warning: variable 'o' is bound but never used (write _ or _o)",
            "c.vigil:9:20: warning: variable 'p' is bound but never used (write _ or _p)"),
        rules("rule r:\n  before get(o)\n  require once get(p)\n"));
    assertClean("rule r:\n  before get(_o)\n  require once get(_p)\n");
    assertEquals(List.of("c.vigil:9:16: warning: variable 'r' is bound but never used (write _ or _r)"),
        rules("rule r:\n  before get(o)\n  require once ok get(o) returns r\n"));
  }

  // ---- types ----

  @Test
  void typeMismatches() {
    assertEquals(List.of("c.vigil:9:13: error: cannot apply '+' to string and number"),
        rules("rule r:\n  before get(o)\n  require o + 1 == 2\n"));
    assertEquals(List.of("c.vigil:9:11: error: operand of 'not' must be bool, got string"),
        rules("rule r:\n  before get(o)\n  require not o\n"));
    assertEquals(List.of("c.vigil:9:11: error: requirement must be bool, got string"),
        rules("rule r:\n  before get(o)\n  require o\n"));
    assertEquals(List.of("c.vigil:9:8: error: 'when' condition must be bool, got number"),
        rules("rule r:\n  before pay(n, _)\n  when n\n  require true\n"));
    assertEquals(List.of("c.vigil:9:29: error: 'where' condition must be bool, got string"),
        rules("rule r:\n  before get(_)\n  require once get(o) where o\n"));
    assertEquals(List.of("c.vigil:9:13: error: cannot compare string with number"),
        rules("rule r:\n  before get(o)\n  require o == 1\n"));
    assertEquals(List.of("c.vigil:9:13: error: cannot compare string with number"),
        rules("rule r:\n  before get(o)\n  require o <= 1\n"));
    assertEquals(List.of("c.vigil:9:16: error: cannot order bool values with '<'"),
        rules("rule r:\n  before get(_)\n  require true < false\n"));
    assertEquals(List.of("c.vigil:9:13: error: 'matches' needs a string, got number"),
        rules("rule r:\n  before pay(n, _)\n  require n matches /1/\n"));
    assertEquals(List.of("c.vigil:9:15: error: function 'len' needs a list, a string or an object, got number"),
        rules("rule r:\n  before pay(n, _)\n  require len(n) > 0\n"));
    assertEquals(List.of("c.vigil:9:15: error: function 'sum' needs a list of numbers, got list<string>"),
        rules("rule r:\n  before pay(_, ids)\n  require sum(ids) > 0\n"));
    assertEquals(List.of("c.vigil:9:13: error: cannot look for number in list<string>"),
        rules("rule r:\n  before pay(_, ids)\n  require 1 in ids\n"));
    assertEquals(List.of("c.vigil:9:11: error: operand of '-' must be number, got string"),
        rules("rule r:\n  before get(o)\n  require -o == 1\n"));
  }

  @Test
  void jsonIsCompatibleWithEverything() {
    assertClean("""
        rule r:
          before get(o)
          require once ok get(o) returns d where d.n + 1 > d.m and d.s + "x" == o and d.flag
            and d in [1, "a"] and d.items[0].id in d and len(d) == 1 and d.x[*].y == [1]
        """);
  }

  @Test
  void pathsOnNonJsonValues() {
    assertEquals(List.of("c.vigil:9:12: error: cannot access field 'field' of string"),
        rules("rule r:\n  before get(o)\n  require o.field == 1\n"));
    assertEquals(List.of("c.vigil:9:12: error: cannot index string"),
        rules("rule r:\n  before get(o)\n  require o[0] == 1\n"));
    assertEquals(List.of("c.vigil:9:12: error: '[*]' needs a list, got string"),
        rules("rule r:\n  before get(o)\n  require o[*] == [1]\n"));
    assertEquals(List.of("c.vigil:9:15: error: list index must be a number, got string"),
        rules("rule r:\n  before pay(_, ids)\n  require ids[\"a\"] == \"b\"\n"));
    assertEquals(List.of("c.vigil:9:14: error: cannot access field 'x' of list<string>"),
        rules("rule r:\n  before pay(_, ids)\n  require ids.x == \"b\"\n"));
  }

  @Test
  void regexes() {
    assertEquals(List.of("c.vigil:9:13: error: unknown regex flag 'g' (only 'i' is supported)"),
        rules("rule r:\n  before get(o)\n  require o matches /a/g\n"));
    assertEquals(List.of("c.vigil:9:13: error: invalid regex /a(/: Unclosed group"),
        rules("rule r:\n  before get(o)\n  require o matches /a(/\n"));
  }

  @Test
  void functions() {
    assertEquals(List.of("c.vigil:9:11: error: function 'min' takes 2 arguments, got 1"),
        rules("rule r:\n  before pay(n, _)\n  require min(n) > 0\n"));
    assertEquals(List.of("c.vigil:9:11: error: function 'len' takes 1 argument, got 2"),
        rules("rule r:\n  before pay(n, _)\n  require len(n, n) > 0\n"));
  }

  @Test
  void unknownFunctionInAHandBuiltTree() {
    io.vigil.dsl.tree.Policy policy = PolicyParser.parse(PRELUDE + "rule r:\n  before get(_)\n  require true\n", "c.vigil");
    io.vigil.dsl.tree.Policy.Rule rule = policy.rules().get(0);
    io.vigil.dsl.tree.Expr call = new io.vigil.dsl.tree.Expr.Call("sqrt", List.of(),
        new io.vigil.dsl.tree.SourcePosition("c.vigil", 9, 11));
    io.vigil.dsl.tree.Policy changed = new io.vigil.dsl.tree.Policy(policy.name(), policy.tools(), policy.groups(),
        policy.constants(), List.of(new io.vigil.dsl.tree.Policy.Rule(rule.name(), rule.trigger(),
            rule.condition(), call, rule.because(), rule.position())), policy.position());
    assertEquals(List.of("c.vigil:9:11: error: unknown function 'sqrt'"),
        PolicyChecker.check(changed).stream().map(Diagnostic::toString).toList());
  }

  @Test
  void quantifierDomain() {
    assertEquals(List.of("c.vigil:9:23: error: 'exists' needs a list, got string"),
        rules("rule r:\n  before get(o)\n  require exists x in o: x == 1\n"));
  }

  @Test
  void temporalOperandsAreFormulas() {
    assertEquals(List.of("c.vigil:9:16: error: operand of 'once' must be bool, got string"),
        rules("rule r:\n  before get(o)\n  require once o\n"));
    assertEquals(List.of("c.vigil:9:11: error: operand of 'since' must be bool, got number"),
        rules("rule r:\n  before get(_)\n  require 1 since true\n"));
  }

  @Test
  void messagePatternsBindStrings() {
    assertEquals(List.of("c.vigil:9:40: error: cannot compare string with number"),
        rules("rule r:\n  before get(_)\n  require once user_message(t) where t == 1\n"));
  }
}
