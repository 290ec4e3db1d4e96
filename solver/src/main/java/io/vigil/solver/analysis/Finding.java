package io.vigil.solver.analysis;

import java.util.List;
import java.util.Optional;

/**
 * Something analysis found: a rule that can never deny, a rule implied by the others, a tool no
 * history allows, or (for diff) a history on which two policies decide differently.
 */
public record Finding(Kind kind, String subject, String message, List<String> rules, Optional<Witness> witness) {
  public enum Kind { VACUOUS_RULE, REDUNDANT_RULE, UNREACHABLE_TOOL, INCONCLUSIVE, DIFFERENT }

  public Finding {
    rules = List.copyOf(rules);
  }
}
