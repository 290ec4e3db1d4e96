package io.vigil.solver.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Policies of a chosen size made from a policy text: its declarations and its first {@code n}
 * rules, cycling through the rules again under new names ({@code name_v2}, ...) past the last one.
 */
public final class PolicyVariants {
  private PolicyVariants() {}

  public static String withRules(String policyText, int n) {
    String[] lines = policyText.split("\n", -1);
    StringBuilder header = new StringBuilder();
    List<String> names = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    StringBuilder current = null;
    for (String line : lines) {
      if (line.startsWith("rule ")) {
        if (current != null) {
          bodies.add(current.toString());
        }
        names.add(line.substring(5, line.indexOf(':')).trim());
        current = new StringBuilder();
        current.append(line.substring(line.indexOf(':'))).append('\n');
      } else if (current == null) {
        header.append(line).append('\n');
      } else if (!line.startsWith("#")) {
        current.append(line).append('\n');
      }
    }
    if (current != null) {
      bodies.add(current.toString());
    }
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("the policy has no rules");
    }
    StringBuilder out = new StringBuilder(header);
    for (int i = 0; i < n; i++) {
      int k = i % bodies.size();
      int round = i / bodies.size();
      out.append("\nrule ").append(names.get(k)).append(round == 0 ? "" : "_v" + (round + 1)).append(bodies.get(k));
    }
    return out.toString();
  }
}
