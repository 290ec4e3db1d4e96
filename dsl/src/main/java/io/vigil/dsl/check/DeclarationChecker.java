package io.vigil.dsl.check;

import io.vigil.dsl.Builtins;
import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Names of declarations: duplicates, clashes with built-ins, group members and cycles. */
final class DeclarationChecker {
  private final Policy policy;
  private final Reporter reporter;

  DeclarationChecker(Policy policy, Reporter reporter) {
    this.policy = policy;
    this.reporter = reporter;
  }

  void check() {
    Map<String, SourcePosition> tools = new HashMap<>();
    for (Policy.ToolDecl tool : policy.tools()) {
      declare(tools, "tool", tool.name(), tool.position());
      builtinClash("tool", tool.name(), tool.position());
      Map<String, SourcePosition> params = new HashMap<>();
      for (Policy.Param param : tool.params()) {
        SourcePosition first = params.putIfAbsent(param.name(), param.position());
        if (first != null) {
          reporter.error(param.position(),
              "duplicate parameter '" + param.name() + "' in tool '" + tool.name() + "'");
        }
      }
    }
    Map<String, SourcePosition> groups = new HashMap<>();
    for (Policy.GroupDecl group : policy.groups()) {
      SourcePosition tool = tools.get(group.name());
      if (tool != null) {
        reporter.error(group.position(), "group '" + group.name() + "' has the same name as tool '"
            + group.name() + "' (line " + tool.line() + ")");
      } else {
        declare(groups, "group", group.name(), group.position());
      }
      builtinClash("group", group.name(), group.position());
      for (String member : group.members()) {
        if (policy.tool(member).isEmpty() && policy.group(member).isEmpty()) {
          reporter.error(group.position(),
              "unknown tool or group '" + member + "' in group '" + group.name() + "'");
        }
      }
      cycle(group.name()).ifPresent(path -> reporter.error(group.position(),
          "group '" + group.name() + "' is cyclic: " + String.join(" -> ", path)));
    }
    Map<String, SourcePosition> lets = new HashMap<>();
    for (Policy.LetDecl let : policy.constants()) {
      declare(lets, "constant", let.name(), let.position());
    }
    Map<String, SourcePosition> rules = new HashMap<>();
    for (Policy.Rule rule : policy.rules()) {
      declare(rules, "rule", rule.name(), rule.position());
    }
  }

  private void declare(Map<String, SourcePosition> seen, String kind, String name, SourcePosition position) {
    SourcePosition first = seen.putIfAbsent(name, position);
    if (first != null) {
      reporter.error(position,
          "duplicate " + kind + " '" + name + "' (first declared at line " + first.line() + ")");
    }
  }

  private void builtinClash(String kind, String name, SourcePosition position) {
    if (Builtins.isFunction(name)) {
      reporter.error(position, kind + " '" + name + "' has the name of a built-in function");
    }
  }

  /** A path from {@code start} back to itself through group members, if there is one. */
  private Optional<List<String>> cycle(String start) {
    List<String> path = new ArrayList<>();
    path.add(start);
    return search(start, start, path, new ArrayList<>()) ? Optional.of(path) : Optional.empty();
  }

  private boolean search(String start, String current, List<String> path, List<String> visited) {
    Optional<Policy.GroupDecl> group = policy.group(current);
    if (group.isEmpty() || policy.tool(current).isPresent()) {
      return false;
    }
    for (String member : group.get().members()) {
      if (member.equals(start)) {
        path.add(member);
        return true;
      }
      if (visited.contains(member)) {
        continue;
      }
      visited.add(member);
      path.add(member);
      if (search(start, member, path, visited)) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    return false;
  }
}
