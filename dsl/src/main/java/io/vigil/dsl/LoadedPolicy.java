package io.vigil.dsl;

import io.vigil.dsl.tree.Policy;
import java.util.List;

/**
 * A policy that parsed and checked without errors (except those a caller of
 * {@link PolicyLoader#loadTolerating} chose to tolerate).
 *
 * @param warnings what the checker reported: warnings, and any tolerated errors
 * @param sourceHash the SHA-256 of the source text (UTF-8), lower-case hex
 */
public record LoadedPolicy(Policy policy, List<Diagnostic> warnings, String sourceHash) {
  public LoadedPolicy {
    warnings = List.copyOf(warnings);
  }
}
