package io.vigil.dsl.check;

import io.vigil.dsl.tree.Policy;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** What a tool-or-group name stands for. */
public final class Groups {
  private Groups() {}

  /**
   * The tools {@code toolOrGroup} names: a tool name gives itself, a group gives the tools of its
   * members, transitively, in declaration order. Cycles are cut; an unknown name gives the empty
   * set.
   */
  public static Set<String> expand(Policy policy, String toolOrGroup) {
    Set<String> tools = new LinkedHashSet<>();
    expandInto(policy, toolOrGroup, tools, new HashSet<>());
    return Collections.unmodifiableSet(tools);
  }

  private static void expandInto(Policy policy, String name, Set<String> tools, Set<String> seenGroups) {
    if (policy.tool(name).isPresent()) {
      tools.add(name);
      return;
    }
    if (!seenGroups.add(name)) {
      return;
    }
    policy.group(name).ifPresent(group -> group.members().forEach(
        member -> expandInto(policy, member, tools, seenGroups)));
  }
}
