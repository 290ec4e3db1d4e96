package io.vigil.llm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A choice the decoder backed out of because the policy rules it out: at the tool name, at an
 * argument value, or at the complete call; with the rules and reason when the policy gave them.
 */
public record BlockedAttempt(String tool, Map<String, JsonNode> arguments, String stage, List<String> rules, String reason) {
  public BlockedAttempt {
    arguments = Map.copyOf(arguments);
    rules = List.copyOf(rules);
    reason = reason == null ? "" : reason;
  }
}
