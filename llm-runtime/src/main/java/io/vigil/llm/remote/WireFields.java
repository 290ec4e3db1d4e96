package io.vigil.llm.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Token-id arrays in and out of the dialects' JSON, with one wording for a response that lacks a field. */
final class WireFields {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WireFields() {}

  static ArrayNode ids(int[] ids) {
    ArrayNode array = NODES.arrayNode(ids.length);
    for (int id : ids) {
      array.add(id);
    }
    return array;
  }

  /** The first element of {@code array} when it is a non-negative integer; -1 otherwise. */
  static int firstId(JsonNode array) {
    if (array.isArray() && array.size() > 0 && array.get(0).canConvertToInt() && array.get(0).isIntegralNumber()) {
      int id = array.get(0).asInt();
      return id >= 0 ? id : -1;
    }
    return -1;
  }

  static String text(JsonNode value, ServerDialect dialect, String field, JsonNode response) {
    if (!value.isTextual()) {
      throw missing(dialect, field, response);
    }
    return value.asText();
  }

  static RemoteServerException.BadResponse missing(ServerDialect dialect, String what, JsonNode response) {
    String body = response.toString();
    return new RemoteServerException.BadResponse("the " + dialect.name() + " server's answer has no " + what
        + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body), null);
  }
}
