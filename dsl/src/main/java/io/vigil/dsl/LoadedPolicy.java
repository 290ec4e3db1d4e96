package io.vigil.dsl;

import io.vigil.dsl.tree.Policy;
import java.util.List;

/**
 * A policy that parsed and checked without errors.
 *
 * @param warnings what the checker warned about (never errors)
 * @param sourceHash the SHA-256 of the source text (UTF-8), lower-case hex
 */
public record LoadedPolicy(Policy policy, List<Diagnostic> warnings, String sourceHash) {
  public LoadedPolicy {
    warnings = List.copyOf(warnings);
  }
}
