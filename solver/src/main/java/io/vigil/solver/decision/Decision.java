package io.vigil.solver.decision;

import io.vigil.solver.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict on one candidate call. A deny names the failed rules with a reason and the witness
 * events (positions in the history; the candidate is at position history.size()), and, where some
 * other value of one argument would be allowed, those values. An engine error always denies.
 */
public record Decision(
    boolean allowed,
    List<Violation> violations,
    Map<String, List<Value>> alternatives,
    Optional<String> engineError) {

  public Decision {
    violations = List.copyOf(violations);
    alternatives = Map.copyOf(alternatives);
  }

  public static Decision allow() {
    return new Decision(true, List.of(), Map.of(), Optional.empty());
  }

  public static Decision deny(List<Violation> violations, Map<String, List<Value>> alternatives) {
    return new Decision(false, violations, alternatives, Optional.empty());
  }

  /** Fail closed: an internal error denies, reported as an error, never as a policy verdict. */
  public static Decision engineError(String message) {
    return new Decision(false, List.of(), Map.of(), Optional.of(message));
  }

  public List<String> rules() {
    return violations.stream().map(Violation::rule).toList();
  }

  public Decision withAlternatives(Map<String, List<Value>> found) {
    return new Decision(allowed, violations, found, engineError);
  }

  public record Violation(String rule, String reason, List<Integer> witnesses) {
    public Violation {
      witnesses = List.copyOf(witnesses);
    }
  }
}
