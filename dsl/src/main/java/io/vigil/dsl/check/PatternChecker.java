package io.vigil.dsl.check;

import static io.vigil.dsl.check.Types.BOOL;
import static io.vigil.dsl.check.Types.JSON;
import static io.vigil.dsl.check.Types.STRING;

import io.vigil.dsl.Diagnostic;
import io.vigil.dsl.tree.Expr;
import io.vigil.dsl.tree.Expr.ArgPattern;
import io.vigil.dsl.tree.Expr.EventKind;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import io.vigil.dsl.tree.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Event patterns: the tool or group they name, their arguments against its parameters, and the
 * variables they bind (a name not yet in scope is bound, anything else is compared).
 */
final class PatternChecker {
  private final Policy policy;
  private final Reporter reporter;
  private final ExprChecker exprs;

  PatternChecker(Policy policy, Reporter reporter, ExprChecker exprs) {
    this.policy = policy;
    this.reporter = reporter;
    this.exprs = exprs;
  }

  /** A pattern inside a formula: what it binds is in scope in its {@code where} only. */
  Type inFormula(Expr.EventPattern pattern, Scope scope) {
    Scope local = scope.child();
    bind(pattern, local);
    pattern.where().ifPresent(where -> exprs.expectBool(where, local, "'where' condition"));
    reportUnused(local);
    return BOOL;
  }

  /** A rule's trigger: what it binds is in scope in the rest of the rule. */
  void trigger(Expr.EventPattern trigger, Scope ruleScope) {
    if (trigger.kind() != EventKind.CALL) {
      reporter.error(trigger.position(), "a rule's trigger must be a tool call pattern, not "
          + describe(trigger.kind()));
    }
    bind(trigger, ruleScope);
    trigger.where().ifPresent(where -> {
      reporter.error(where.position(), "a trigger takes no 'where'; use 'when'");
      exprs.expectBool(where, ruleScope, "'where' condition");
    });
  }

  void reportUnused(Scope scope) {
    for (Scope.Binding binding : scope.unused()) {
      reporter.warning(binding.position,
          "variable '" + binding.name + "' is bound but never used (write _ or _" + binding.name + ")");
    }
  }

  private static String describe(EventKind kind) {
    return switch (kind) {
      case OK -> "an 'ok' result";
      case ERROR -> "an 'error' result";
      case USER_MESSAGE -> "a user message";
      case ASSISTANT_MESSAGE -> "an assistant message";
      case CALL -> "a call";
    };
  }

  private void bind(Expr.EventPattern pattern, Scope into) {
    if (pattern.kind() == EventKind.USER_MESSAGE || pattern.kind() == EventKind.ASSISTANT_MESSAGE) {
      if (pattern.target().isPresent() || !pattern.args().isEmpty() || pattern.rest()) {
        reporter.error(pattern.position(), "a message pattern names no tool and takes no arguments");
      }
      pattern.binder().ifPresent(name -> bindName(name, STRING, pattern.position(), into));
      return;
    }
    String target = pattern.target().orElse(null);
    Optional<Policy.ToolDecl> tool = target == null ? Optional.empty() : policy.tool(target);
    Optional<Policy.GroupDecl> group = target == null ? Optional.empty() : policy.group(target);
    if (tool.isPresent()) {
      toolArgs(pattern, tool.get(), into);
    } else if (group.isPresent()) {
      groupArgs(pattern, group.get(), into);
    } else {
      reporter.error(pattern.position(), target == null
          ? "a tool pattern must name a tool or a group"
          : "unknown tool or group '" + target + "'");
      for (ArgPattern arg : pattern.args()) {
        arg.value().ifPresent(value -> bindOrCompare(value, JSON, "argument", into));
      }
    }
    pattern.binder().ifPresent(name -> {
      if (pattern.kind() == EventKind.CALL) {
        reporter.error(pattern.position(), "'returns' applies only to ok and error patterns");
      }
      Type type = pattern.kind() == EventKind.ERROR ? STRING : returnType(target);
      bindName(name, type, pattern.position(), into);
    });
  }

  private Type returnType(String target) {
    if (target == null) {
      return JSON;
    }
    List<Type> types = new ArrayList<>();
    for (String name : Groups.expand(policy, target)) {
      policy.tool(name).ifPresent(tool -> types.add(tool.returns()));
    }
    return Types.common(types);
  }

  private void toolArgs(Expr.EventPattern pattern, Policy.ToolDecl tool, Scope into) {
    List<Policy.Param> params = tool.params();
    Set<String> given = new HashSet<>();
    boolean named = false;
    int positional = 0;
    for (ArgPattern arg : pattern.args()) {
      Policy.Param param = null;
      if (arg.name().isEmpty()) {
        if (named) {
          reporter.error(arg.position(), "positional argument after named arguments");
        }
        if (positional < params.size()) {
          param = params.get(positional);
        }
        positional++;
      } else {
        named = true;
        param = tool.param(arg.name().get()).orElse(null);
        if (param == null) {
          reporter.error(arg.position(),
              "tool '" + tool.name() + "' has no parameter '" + arg.name().get() + "'", Diagnostic.Code.UNKNOWN_PARAMETER);
        }
      }
      if (param != null && !given.add(param.name())) {
        reporter.error(arg.position(), "duplicate argument '" + param.name() + "'");
      }
      Type expected = param == null ? JSON : param.type();
      String what = param == null
          ? "argument"
          : "argument '" + param.name() + "' of '" + tool.name() + "'";
      arg.value().ifPresent(value -> bindOrCompare(value, expected, what, into));
    }
    int count = pattern.args().size();
    if (pattern.rest() ? count > params.size() : count != params.size()) {
      reporter.error(pattern.position(), "tool '" + tool.name() + "' takes " + params.size()
          + " argument" + (params.size() == 1 ? "" : "s") + ", got " + count);
    }
  }

  private void groupArgs(Expr.EventPattern pattern, Policy.GroupDecl group, Scope into) {
    List<Policy.ToolDecl> tools = Groups.expand(policy, group.name()).stream()
        .map(name -> policy.tool(name).orElseThrow())
        .toList();
    Set<String> given = new HashSet<>();
    for (ArgPattern arg : pattern.args()) {
      if (arg.name().isEmpty()) {
        reporter.error(arg.position(),
            "group '" + group.name() + "' takes only named arguments and '..'");
        arg.value().ifPresent(value -> bindOrCompare(value, JSON, "argument", into));
        continue;
      }
      String name = arg.name().get();
      if (!given.add(name)) {
        reporter.error(arg.position(), "duplicate argument '" + name + "'");
      }
      List<Type> types = new ArrayList<>();
      for (Policy.ToolDecl tool : tools) {
        Optional<Policy.Param> param = tool.param(name);
        if (param.isEmpty()) {
          reporter.error(arg.position(), "'" + name + "' is not a parameter of every tool of group '"
              + group.name() + "' (tool '" + tool.name() + "' has none)");
          break;
        }
        types.add(param.get().type());
      }
      Type expected = Types.common(types);
      arg.value().ifPresent(value ->
          bindOrCompare(value, expected, "argument '" + name + "' of group '" + group.name() + "'", into));
    }
    if (!pattern.rest()) {
      for (Policy.ToolDecl tool : tools) {
        if (tool.params().size() != pattern.args().size()) {
          reporter.error(pattern.position(), "a pattern on group '" + group.name()
              + "' must end with '..' (tool '" + tool.name() + "' takes " + tool.params().size()
              + " argument" + (tool.params().size() == 1 ? "" : "s") + ")");
          break;
        }
      }
    }
  }

  /** A name not yet in scope is bound to the argument; anything else must equal it. */
  private void bindOrCompare(Expr value, Type expected, String what, Scope into) {
    if (value instanceof Expr.VarRef ref && !into.contains(ref.name())) {
      into.bind(ref.name(), expected, ref.position(), true);
      return;
    }
    Type actual = exprs.infer(value, into);
    if (!Types.compatible(actual, expected)) {
      reporter.error(value.position(), what + " expects " + expected + ", got " + actual);
    }
  }

  private void bindName(String name, Type type, SourcePosition position, Scope into) {
    if (!into.contains(name)) {
      into.bind(name, type, position, true);
      return;
    }
    into.use(name).ifPresent(binding -> {
      if (!Types.compatible(binding.type, type)) {
        reporter.error(position, "'" + name + "' is " + binding.type + " but the event gives " + type);
      }
    });
  }
}
