package io.vigil.dsl.parser;

import static io.vigil.dsl.Trees.*;
import static io.vigil.dsl.tree.Expr.BinaryOp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import io.vigil.dsl.tree.Type;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
  private static Expr parse(String source) {
    return PolicyParser.parseExpression(source, "t.vigil");
  }

  private static void assertParses(String source, Expr expected) {
    assertEquals(expected, parse(source), source);
  }

  // ---- declarations ----

  @Test
  void declarations() {
    Policy policy = PolicyParser.parse("""
        policy retail

        # a comment
        tool get_order_details(order_id: string) -> json
        tool pay(amount: number, ok_flag: bool, ids: list<string>, nested: list<list<number>>) -> list<json>
        tool ping()
        group consequential = pay, ping
        group everything = consequential, get_order_details
        let max_passengers = 5
        let names = ["a", "b"]
        """, "retail.vigil");
    assertEquals("retail", policy.name());
    assertEquals(List.of("get_order_details", "pay", "ping"),
        policy.tools().stream().map(Policy.ToolDecl::name).toList());
    Policy.ToolDecl pay = policy.tool("pay").orElseThrow();
    assertEquals(List.of(Type.Primitive.NUMBER, Type.Primitive.BOOL, new Type.ListOf(Type.Primitive.STRING),
            new Type.ListOf(new Type.ListOf(Type.Primitive.NUMBER))),
        pay.params().stream().map(Policy.Param::type).toList());
    assertEquals(new Type.ListOf(Type.Primitive.JSON), pay.returns());
    assertEquals(Type.Primitive.JSON, policy.tool("ping").orElseThrow().returns());
    assertEquals(List.of("pay", "ping"), policy.group("consequential").orElseThrow().members());
    assertEquals(num("5"), policy.constants().get(0).value());
    assertEquals(list(str("a"), str("b")), policy.constants().get(1).value());
    assertEquals(new SourcePosition("retail.vigil", 4, 6), policy.tools().get(0).position());
    assertEquals("retail.vigil:5:10", pay.params().get(0).position().toString());
    assertEquals("retail.vigil:8:7", policy.groups().get(1).position().toString());
    assertEquals("retail.vigil:9:5", policy.constants().get(0).position().toString());
  }

  @Test
  void rule() {
    Policy policy = PolicyParser.parse("""
        policy p
        tool cancel(order_id: string, reason: string)
        rule valid_reason:
          before cancel(o, reason)
          when o != ""
          require reason in ["no longer needed", "ordered by mistake"]
          because "order {o}: bad reason '{reason}' {{literally}}"
        rule bare:
          before cancel(..)
          require true
        """, "p.vigil");
    Policy.Rule rule = policy.rules().get(0);
    assertEquals("valid_reason", rule.name());
    assertEquals("p.vigil:3:6", rule.position().toString());
    assertEquals(callOf("cancel", arg(v("o")), arg(v("reason"))), rule.trigger());
    assertEquals(Optional.of(bin(NE, v("o"), str(""))), rule.condition());
    assertEquals(bin(IN, v("reason"), list(str("no longer needed"), str("ordered by mistake"))),
        rule.requirement());
    assertEquals(List.of(new Policy.Message.Text("order "), new Policy.Message.Hole(v("o")),
            new Policy.Message.Text(": bad reason '"), new Policy.Message.Hole(v("reason")),
            new Policy.Message.Text("' {literally}")),
        rule.because().orElseThrow().parts());
    Policy.Rule bare = policy.rules().get(1);
    assertEquals(pattern(EventKind.CALL, "cancel", List.of(), true, null), bare.trigger());
    assertTrue(bare.condition().isEmpty());
    assertTrue(bare.because().isEmpty());
  }

  @Test
  void messageHolesHaveExpressionsAndPositions() {
    Policy policy = PolicyParser.parse("policy p\nrule r:\n before t(x)\n require true\n"
        + " because \"a {len(x) + 1} \\\"{x.f == \\\"}\\\"}\\\"\"", "m.vigil");
    List<Policy.Message.Part> parts = policy.rules().get(0).because().orElseThrow().parts();
    assertEquals(List.of(new Policy.Message.Text("a "),
        new Policy.Message.Hole(bin(ADD, call("len", v("x")), num("1"))),
        new Policy.Message.Text(" \""),
        new Policy.Message.Hole(bin(EQ, field(v("x"), "f"), str("}"))),
        new Policy.Message.Text("\"")), parts);
    Expr hole = ((Policy.Message.Hole) parts.get(1)).expr();
    assertEquals("m.vigil:5:14", ((Expr.Binary) hole).left().position().toString());
  }

  @Test
  void emptyMessage() {
    Policy policy = PolicyParser.parse("policy p rule r: before t() require true because \"\"", "m");
    assertEquals(List.of(), policy.rules().get(0).because().orElseThrow().parts());
  }

  // ---- event patterns ----

  @Test
  void callPatterns() {
    assertParses("get_order_details(o)", callOf("get_order_details", arg(v("o"))));
    assertParses("f()", callOf("f"));
    assertParses("account_access(..)", pattern(EventKind.CALL, "account_access", List.of(), true, null));
    assertParses("modify(order_id: o, ..)",
        pattern(EventKind.CALL, "modify", List.of(arg("order_id", v("o"))), true, null));
    assertParses("cancel(_, reason: _, \"x\", 1 + 2)",
        callOf("cancel", wildcard(), wildcard("reason"), arg(str("x")), arg(bin(ADD, num("1"), num("2")))));
  }

  @Test
  void resultPatterns() {
    assertParses("ok get_order_details(o) returns r",
        pattern(EventKind.OK, "get_order_details", List.of(arg(v("o"))), false, "r"));
    assertParses("error cancel_pending_order(o, _) returns e",
        pattern(EventKind.ERROR, "cancel_pending_order", List.of(arg(v("o")), wildcard()), false, "e"));
    assertParses("ok f(..) returns _", pattern(EventKind.OK, "f", List.of(), true, null));
    assertParses("ok f(..)", pattern(EventKind.OK, "f", List.of(), true, null));
  }

  @Test
  void messagePatterns() {
    assertParses("user_message(t)", message(EventKind.USER_MESSAGE, "t"));
    assertParses("assistant_message(m)", message(EventKind.ASSISTANT_MESSAGE, "m"));
    assertParses("user_message", message(EventKind.USER_MESSAGE, null));
    assertParses("user_message(_)", message(EventKind.USER_MESSAGE, null));
  }

  @Test
  void whereConditionExtendsRight() {
    Expr.EventPattern p = pattern(EventKind.OK, "g", List.of(arg(v("o"))), false, "r");
    assertParses("ok g(o) returns r where r.status == \"pending\" and o != \"\"",
        where(p, bin(AND, bin(EQ, field(v("r"), "status"), str("pending")), bin(NE, v("o"), str("")))));
    assertParses("once ok g(o) returns r where a and b", once(where(p, bin(AND, v("a"), v("b")))));
    assertParses("(once ok g(o) returns r where a) and b", bin(AND, once(where(p, v("a"))), v("b")));
  }

  @Test
  void builtinFunctionsAreCalls() {
    assertParses("len(x)", call("len", v("x")));
    assertParses("min(a, b) + max(1, 2)", bin(ADD, call("min", v("a"), v("b")), call("max", num("1"), num("2"))));
    for (String function : List.of("sum", "keys", "time", "lower", "upper", "abs")) {
      assertParses(function + "(x)", call(function, v("x")));
    }
    assertParses("ok len(x)", pattern(EventKind.OK, "len", List.of(arg(v("x"))), false, null));
    assertParses("len(x) returns r", pattern(EventKind.CALL, "len", List.of(arg(v("x"))), false, "r"));
  }

  // ---- temporal operators ----

  @Test
  void temporalOperators() {
    Expr p = callOf("f", wildcard());
    assertParses("once f(_)", once(p));
    assertParses("once within 24h f(_)", once("24h", p));
    assertParses("historically f(_)", historically(p));
    assertParses("historically within 1h f(_)", historically("1h", p));
    assertParses("previous f(_)", previous(p));
    assertParses("a since b", bin(SINCE, v("a"), v("b")));
    assertParses("count(f(_))", count(p));
    assertParses("count within 7d (f(_)) < 3", bin(LT, count("7d", p), num("3")));
  }

  @Test
  void prefixOperatorsTakeTheTightestOperand() {
    assertParses("once a and b", bin(AND, once(v("a")), v("b")));
    assertParses("previous a or b", bin(OR, previous(v("a")), v("b")));
    assertParses("historically a.b", historically(field(v("a"), "b")));
    assertParses("once a == b", bin(EQ, once(v("a")), v("b")));
    assertParses("not a since b", bin(SINCE, not(v("a")), v("b")));
    assertParses("not a == b", not(bin(EQ, v("a"), v("b"))));
    assertParses("not a and b", bin(AND, not(v("a")), v("b")));
    assertParses("-a * b", bin(MUL, neg(v("a")), v("b")));
    assertParses("a - -b", bin(SUB, v("a"), neg(v("b"))));
  }

  // ---- terms and formulas ----

  @Test
  void literals() {
    assertParses("\"a \\\"q\\\" \\\\ \\n \\t \\/ é\"", str("a \"q\" \\ \n \t / é"));
    assertParses("12", num("12"));
    assertParses("3.50", num("3.50"));
    assertEquals(new BigDecimal("3.50"), ((Expr.NumberLit) parse("3.50")).value());
    assertParses("true", bool(true));
    assertParses("false", bool(false));
    assertParses("null", new Expr.NullLit(P));
    assertParses("now", new Expr.Now(P));
    assertParses("[]", list());
    assertParses("[\"a\", 1, [true]]", list(str("a"), num("1"), list(bool(true))));
  }

  @Test
  void durations() {
    assertEquals(new Expr.DurationLit(new BigDecimal("0.5"), "500ms", P), parse("500ms"));
    assertEquals(new Expr.DurationLit(new BigDecimal("90"), "90s", P), parse("90s"));
    assertEquals(new Expr.DurationLit(new BigDecimal("1800"), "30m", P), parse("30m"));
    assertEquals(new Expr.DurationLit(new BigDecimal("86400"), "24h", P), parse("24h"));
    assertEquals(new Expr.DurationLit(new BigDecimal("604800"), "7d", P), parse("7d"));
    assertEquals(0, new BigDecimal("1.5").compareTo(((Expr.DurationLit) parse("1500ms")).seconds()));
  }

  @Test
  void paths() {
    assertParses("r.items", field(v("r"), "items"));
    assertParses("r.items[0]", index(field(v("r"), "items"), num("0")));
    assertParses("u.payment_methods[pm]", index(field(v("u"), "payment_methods"), v("pm")));
    assertParses("r.items[*].price", field(spread(field(v("r"), "items")), "price"));
    assertParses("r.count + r.error.in", bin(ADD, field(v("r"), "count"), field(field(v("r"), "error"), "in")));
    assertParses("r._x", field(v("r"), "_x"));
  }

  @Test
  void arithmeticAndComparison() {
    assertParses("a + b * c", bin(ADD, v("a"), bin(MUL, v("b"), v("c"))));
    assertParses("a - b - c", bin(SUB, bin(SUB, v("a"), v("b")), v("c")));
    assertParses("a % 2 == 0", bin(EQ, bin(MOD, v("a"), num("2")), num("0")));
    assertParses("a + \"x\"", bin(ADD, v("a"), str("x")));
    assertParses("a <= b", bin(LE, v("a"), v("b")));
    assertParses("a >= b", bin(GE, v("a"), v("b")));
    assertParses("a < b", bin(LT, v("a"), v("b")));
    assertParses("a > b", bin(GT, v("a"), v("b")));
    assertParses("a != b", bin(NE, v("a"), v("b")));
  }

  @Test
  void membershipAndRegex() {
    assertParses("x in l", bin(IN, v("x"), v("l")));
    assertParses("x not in l", bin(NOT_IN, v("x"), v("l")));
    assertParses("not x in l", not(bin(IN, v("x"), v("l"))));
    assertParses("s matches /^a\\/b\\d+$/i", matches(v("s"), "^a/b\\d+$", "i"));
    assertParses("s matches /x/", matches(v("s"), "x", ""));
    assertParses("lower(s) matches /x/ and true", bin(AND, matches(call("lower", v("s")), "x", ""), bool(true)));
  }

  @Test
  void logic() {
    assertParses("a or b and c", bin(OR, v("a"), bin(AND, v("b"), v("c"))));
    assertParses("a implies b implies c", bin(IMPLIES, v("a"), bin(IMPLIES, v("b"), v("c"))));
    assertParses("a and b implies c or d", bin(IMPLIES, bin(AND, v("a"), v("b")), bin(OR, v("c"), v("d"))));
    assertParses("(a or b) and c", bin(AND, bin(OR, v("a"), v("b")), v("c")));
  }

  @Test
  void quantifiers() {
    assertParses("exists x in l: x > 1 and x < 3",
        exists("x", v("l"), bin(AND, bin(GT, v("x"), num("1")), bin(LT, v("x"), num("3")))));
    assertParses("forall p in r.items[*]: p.price > 0",
        forall("p", spread(field(v("r"), "items")), bin(GT, field(v("p"), "price"), num("0"))));
    assertParses("a and forall x in l: b", bin(AND, v("a"), forall("x", v("l"), v("b"))));
  }

  @Test
  void underscoreNames() {
    assertParses("_unused", v("_unused"));
    assertParses("f(_o, _)", callOf("f", arg(v("_o")), wildcard()));
  }

  @Test
  void positions() {
    Expr.Binary and = (Expr.Binary) parse("a and\n  once f(x)");
    assertEquals("t.vigil:1:3", and.position().toString());
    Expr.Once once = (Expr.Once) and.right();
    assertEquals("t.vigil:2:3", once.position().toString());
    Expr.EventPattern f = (Expr.EventPattern) once.body();
    assertEquals("t.vigil:2:8", f.position().toString());
    assertEquals("t.vigil:2:10", f.args().get(0).position().toString());
    assertFalse(f.rest());
  }

  @Test
  void parenthesesLeaveNoTrace() {
    assertEquals(parse("a"), parse("((a))"));
  }
}
