package io.vigil.dsl.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.PolicyException;
import io.vigil.dsl.PolicySyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntaxErrorTest {
  private static List<String> policyErrors(String source) {
    PolicySyntaxException e = assertThrows(PolicySyntaxException.class, () -> PolicyParser.parse(source, "s.vigil"));
    return e.diagnostics().stream().map(Diagnostic::toString).toList();
  }

  private static String exprError(String source) {
    PolicySyntaxException e =
        assertThrows(PolicySyntaxException.class, () -> PolicyParser.parseExpression(source, "e"));
    return e.diagnostics().get(0).toString();
  }

  @Test
  void missingRequirement() {
    assertEquals(List.of("s.vigil:3:1: error: unexpected 'rule', expected 'when' or 'require'"),
        policyErrors("policy p\nrule r: before t()\nrule q: before t() require true"));
  }

  @Test
  void unexpectedEndOfFile() {
    assertEquals(List.of("s.vigil:2:27: error: unexpected end of file, expected an expression"),
        policyErrors("policy p\nrule r: before t() require"));
  }

  @Test
  void badType() {
    assertEquals(
        List.of("s.vigil:1:20: error: unexpected 'strin', expected one of 'string', 'number', 'bool', 'json', 'list'"),
        policyErrors("policy p tool x(a: strin)"));
  }

  @Test
  void missingPolicyHeader() {
    assertEquals(List.of("s.vigil:1:1: error: unexpected 'tool', expected 'policy'"),
        policyErrors("tool x()"));
  }

  @Test
  void strayTokenAfterExpression() {
    assertEquals("e:1:3: error: unexpected 'b', expected end of file", exprError("a b"));
  }

  @Test
  void lexerError() {
    assertTrue(exprError("a ~ b").startsWith("e:1:3: error: unexpected character '~'"));
  }

  @Test
  void restMustBeLast() {
    assertEquals("e:1:3: error: '..' must be the last argument", exprError("f(.., x)"));
  }

  @Test
  void functionArguments() {
    assertEquals("e:1:5: error: '_' is not allowed in a call of function 'len'", exprError("len(_)"));
    assertEquals("e:1:5: error: '..' is not allowed in a call of function 'len'", exprError("len(..)"));
    assertEquals("e:1:5: error: function 'min' takes no named arguments", exprError("min(a: 1, 2)"));
  }

  @Test
  void whereAfterFunctionCall() {
    assertEquals("e:1:8: error: 'where' cannot follow a call of function 'len'", exprError("len(x) where x"));
  }

  @Test
  void badEscape() {
    assertEquals("e:1:3: error: unknown escape '\\q' in string (use \\\", \\\\, \\n, \\t, \\r or \\/)",
        exprError("\"a\\q\""));
  }

  @Test
  void messageBraces() {
    assertEquals(List.of("s.vigil:2:44: error: unclosed '{' in message; write '{{' for a literal brace"),
        policyErrors("policy p\nrule r: before t() require true because \"a {b\""));
    assertEquals(List.of("s.vigil:2:45: error: unmatched '}' in message; write '}}' for a literal brace"),
        policyErrors("policy p\nrule r: before t() require true because \"a b}\""));
    assertEquals(List.of("s.vigil:2:44: error: empty '{}' in message"),
        policyErrors("policy p\nrule r: before t() require true because \"a {}\""));
  }

  @Test
  void syntaxErrorInsideMessageHole() {
    assertEquals(List.of("s.vigil:2:48: error: unexpected end of file, expected an expression"),
        policyErrors("policy p\nrule r: before t() require true because \"a {b +}\""));
  }

  @Test
  void syntaxExceptionIsAPolicyException() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("policy", "x"));
    assertEquals("x:1:7: error: unexpected end of file, expected a name", e.getMessage());
  }
}
