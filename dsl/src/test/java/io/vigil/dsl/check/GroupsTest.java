package io.vigil.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.dsl.parser.PolicyParser;
import io.vigil.dsl.tree.Policy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupsTest {
  private final Policy policy = PolicyParser.parse("""
      policy p
      tool a()
      tool b()
      tool c()
      group ab = a, b
      group all = ab, c, a
      group loop = loop2, c
      group loop2 = loop
      """, "g.vigil");

  @Test
  void aToolIsItself() {
    assertEquals(Set.of("a"), Groups.expand(policy, "a"));
  }

  @Test
  void groupsExpandTransitivelyInDeclarationOrder() {
    assertEquals(List.of("a", "b"), List.copyOf(Groups.expand(policy, "ab")));
    assertEquals(List.of("a", "b", "c"), List.copyOf(Groups.expand(policy, "all")));
  }

  @Test
  void cyclesAreCut() {
    assertEquals(Set.of("c"), Groups.expand(policy, "loop"));
  }

  @Test
  void unknownNamesAreEmpty() {
    assertEquals(Set.of(), Groups.expand(policy, "nope"));
  }
}
