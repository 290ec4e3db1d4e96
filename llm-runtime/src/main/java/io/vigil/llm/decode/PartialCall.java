package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * A tool call being generated: the tool, the arguments whose values are complete, and the declared
 * parameters not generated yet (which the oracle quantifies existentially).
 */
public record PartialCall(String tool, Map<String, JsonNode> known, Set<String> unknown) {
  public PartialCall {
    known = Map.copyOf(known);
    unknown = Set.copyOf(unknown);
  }
}
