package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What the decoder asks the policy at semantic boundaries, for one session at one moment. The guard
 * implements it with the solver's existential queries over the session's history; the decoder never
 * sees rules. Implementations fail closed: an error inside becomes "not completable" / a deny.
 */
public interface CallOracle {
  /** Whether some values of {@code call.unknown()} make the call allowed. */
  boolean completable(PartialCall call);

  /**
   * When the policy confines {@code param} to finitely many values here (for instance ids seen in the
   * session): the values it allows, with the call's other unknown parameters existentially quantified.
   * Empty when a value not seen before may also be allowed, so the model chooses freely.
   * {@code call.unknown()} contains {@code param}.
   */
  Optional<List<JsonNode>> allowedValues(PartialCall call, String param);

  /** The decision on a complete call, the last word before a call is emitted. */
  Verdict decide(String tool, ObjectNode arguments);

  /** An oracle that allows everything: grammar-only decoding. */
  static CallOracle permissive() {
    return new CallOracle() {
      @Override
      public boolean completable(PartialCall call) {
        return true;
      }

      @Override
      public Optional<List<JsonNode>> allowedValues(PartialCall call, String param) {
        return Optional.empty();
      }

      @Override
      public Verdict decide(String tool, ObjectNode arguments) {
        return Verdict.allow();
      }
    };
  }
}
