package io.vigil.dsl.tree;

import java.util.List;
import java.util.Optional;

/** One policy file: its tools, groups, constants and rules, in source order. */
public record Policy(
    String name,
    List<ToolDecl> tools,
    List<GroupDecl> groups,
    List<LetDecl> constants,
    List<Rule> rules,
    SourcePosition position) {

  public Policy {
    tools = List.copyOf(tools);
    groups = List.copyOf(groups);
    constants = List.copyOf(constants);
    rules = List.copyOf(rules);
  }

  /** A plain loop, not a stream: the sidecar looks a tool up on every check. */
  public Optional<ToolDecl> tool(String name) {
    for (ToolDecl tool : tools) {
      if (tool.name().equals(name)) {
        return Optional.of(tool);
      }
    }
    return Optional.empty();
  }

  public Optional<GroupDecl> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** A tool declaration: {@code tool name(p: type, ...) -> type}. */
  public record ToolDecl(String name, List<Param> params, Type returns, SourcePosition position) {
    public ToolDecl {
      params = List.copyOf(params);
    }

    public Optional<Param> param(String name) {
      for (Param param : params) {
        if (param.name().equals(name)) {
          return Optional.of(param);
        }
      }
      return Optional.empty();
    }
  }

  public record Param(String name, Type type, SourcePosition position) {}

  /** {@code group name = tool, tool, ...}; members may name tools or other groups. */
  public record GroupDecl(String name, List<String> members, SourcePosition position) {
    public GroupDecl {
      members = List.copyOf(members);
    }
  }

  /** {@code let name = expr}: a named constant usable in every rule. */
  public record LetDecl(String name, Expr value, SourcePosition position) {}

  /**
   * {@code rule name: before trigger [when condition] require requirement [because "message"]}.
   * The rule holds for a candidate call unless the call matches the trigger, the condition holds,
   * and the requirement does not.
   */
  public record Rule(
      String name,
      Expr.EventPattern trigger,
      Optional<Expr> condition,
      Expr requirement,
      Optional<Message> because,
      SourcePosition position) {}

  /** A message with {expr} holes, filled with the bound values when a rule fails. */
  public record Message(List<Part> parts) {
    public Message {
      parts = List.copyOf(parts);
    }

    public sealed interface Part {}

    public record Text(String text) implements Part {}

    public record Hole(Expr expr) implements Part {}
  }
}
