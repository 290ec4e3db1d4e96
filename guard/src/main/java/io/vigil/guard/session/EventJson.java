package io.vigil.guard.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON text of events as stored: numbers kept exactly as written (no doubles). */
public final class EventJson {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private EventJson() {}

  /** Parses JSON text; throws JsonProcessingException with Jackson's message. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Stored JSON text back to a tree (it was written by this class, so it parses). */
  public static ObjectNode stored(String text) {
    try {
      return (ObjectNode) MAPPER.readTree(text);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("corrupt stored event: " + e.getMessage(), e);
    }
  }
}
