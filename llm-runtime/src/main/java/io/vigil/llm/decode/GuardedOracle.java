package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy oracle as one generation uses it: an exception counts as "no" (not completable, no value
 * allowed, denied), the answers to the same question are remembered for the turn, and calls and time
 * are counted.
 */
final class GuardedOracle {
  private final CallOracle oracle;
  private final Map<PartialCall, Boolean> completable = new HashMap<>();
  private final Map<List<Object>, Optional<List<JsonNode>>> allowed = new HashMap<>();
  int calls;
  long nanos;

  GuardedOracle(CallOracle oracle) {
    this.oracle = oracle;
  }

  boolean completable(PartialCall call) {
    Boolean known = completable.get(call);
    if (known != null) {
      return known;
    }
    long t0 = System.nanoTime();
    boolean answer;
    try {
      answer = oracle.completable(call);
    } catch (RuntimeException e) {
      answer = false;
    } finally {
      calls++;
      nanos += System.nanoTime() - t0;
    }
    completable.put(call, answer);
    return answer;
  }

  /** Present with an empty list when the oracle failed: no value is allowed. */
  Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
    List<Object> key = List.of(call, param);
    Optional<List<JsonNode>> known = allowed.get(key);
    if (known != null) {
      return known;
    }
    long t0 = System.nanoTime();
    Optional<List<JsonNode>> answer;
    try {
      answer = oracle.allowedValues(call, param);
      if (answer == null) {
        answer = Optional.empty();
      }
    } catch (RuntimeException e) {
      answer = Optional.of(List.of());
    } finally {
      calls++;
      nanos += System.nanoTime() - t0;
    }
    allowed.put(key, answer);
    return answer;
  }

  Verdict decide(String tool, ObjectNode arguments) {
    long t0 = System.nanoTime();
    try {
      Verdict verdict = oracle.decide(tool, arguments.deepCopy());
      return verdict == null ? Verdict.deny(List.of(), "the policy oracle gave no verdict") : verdict;
    } catch (RuntimeException e) {
      return Verdict.deny(List.of(), "the policy oracle failed: " + e.getMessage());
    } finally {
      calls++;
      nanos += System.nanoTime() - t0;
    }
  }
}
