package io.vigil.llm.decode;

import java.util.List;

/** The policy's decision on a complete call: allowed, or denied by the named rules with a reason to show. */
public record Verdict(boolean allowed, List<String> rules, String reason) {
  public Verdict {
    rules = List.copyOf(rules);
    reason = reason == null ? "" : reason;
  }

  public static Verdict allow() {
    return new Verdict(true, List.of(), "");
  }

  public static Verdict deny(List<String> rules, String reason) {
    return new Verdict(false, rules, reason);
  }
}
