package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.llm.decode.CallOracle;
import io.vigil.llm.decode.PartialCall;
import io.vigil.llm.decode.Verdict;
import java.util.List;
import java.util.Optional;

/**
 * The policy oracle as grammar mode asks it: an exception is a "no" (not completable, no value
 * allowed, denied), as the token decoder treats it, and questions and their time are counted.
 */
final class OracleQuestions {
  private final CallOracle oracle;
  int calls;
  long nanos;

  OracleQuestions(CallOracle oracle) {
    this.oracle = oracle;
  }

  boolean completable(PartialCall call) {
    long start = System.nanoTime();
    try {
      return oracle.completable(call);
    } catch (RuntimeException e) {
      return false;
    } finally {
      count(start);
    }
  }

  /** Present with an empty list when the oracle failed: no value is allowed. */
  Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
    long start = System.nanoTime();
    try {
      Optional<List<JsonNode>> values = oracle.allowedValues(call, param);
      return values == null ? Optional.empty() : values;
    } catch (RuntimeException e) {
      return Optional.of(List.of());
    } finally {
      count(start);
    }
  }

  Verdict decide(String tool, ObjectNode arguments) {
    long start = System.nanoTime();
    try {
      Verdict verdict = oracle.decide(tool, arguments);
      return verdict == null ? Verdict.deny(List.of(), "the policy oracle gave no verdict") : verdict;
    } catch (RuntimeException e) {
      return Verdict.deny(List.of(), "the policy oracle failed: " + e.getMessage());
    } finally {
      count(start);
    }
  }

  private void count(long start) {
    calls++;
    nanos += System.nanoTime() - start;
  }
}
