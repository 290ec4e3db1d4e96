package io.vigil.dsl.check;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The static checks of a parsed policy: names, arities, scopes and types. Returns every problem
 * found, errors and warnings, in source order; an empty list means the policy is fine.
 */
public final class PolicyChecker {
  private PolicyChecker() {}

  public static List<Diagnostic> check(Policy policy) {
    Reporter reporter = new Reporter();
    new DeclarationChecker(policy, reporter).check();
    ExprChecker exprs = new ExprChecker(policy, reporter);
    Scope constants = constants(policy, exprs);
    for (Policy.Rule rule : policy.rules()) {
      rule(rule, constants, exprs);
    }
    return reporter.sorted();
  }

  /** {@code let} constants are in scope in every rule and in the constants declared after them. */
  private static Scope constants(Policy policy, ExprChecker exprs) {
    Scope constants = Scope.root();
    Set<String> declared = new HashSet<>();
    for (Policy.LetDecl let : policy.constants()) {
      Type type = exprs.infer(let.value(), constants);
      if (declared.add(let.name())) {
        constants.bind(let.name(), type, let.position(), false);
      }
    }
    return constants;
  }

  private static void rule(Policy.Rule rule, Scope constants, ExprChecker exprs) {
    Scope scope = constants.child();
    exprs.patterns().trigger(rule.trigger(), scope);
    rule.condition().ifPresent(condition -> exprs.expectBool(condition, scope, "'when' condition"));
    exprs.expectBool(rule.requirement(), scope, "requirement");
    rule.because().ifPresent(message -> {
      for (Policy.Message.Part part : message.parts()) {
        if (part instanceof Policy.Message.Hole hole) {
          Expr expr = hole.expr();
          exprs.infer(expr, scope);
        }
      }
    });
    exprs.patterns().reportUnused(scope);
  }
}
