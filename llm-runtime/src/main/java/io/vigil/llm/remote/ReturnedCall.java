package io.vigil.llm.remote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;

/**
 * The text a server returned for a call request, read as {@code {"name": "<tool>", "arguments": {...}}}
 * and nothing else: no trailing text, no duplicate keys (a policy must not decide on one value while
 * an executor reads another), no other fields. {@code problem} is empty when it reads.
 */
record ReturnedCall(String name, ObjectNode arguments, String problem) {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  boolean readable() {
    return problem.isEmpty();
  }

  static ReturnedCall read(String text) {
    JsonNode root;
    try {
      root = STRICT.readTree(text.strip());
    } catch (IOException e) {
      return broken("", null, "the server returned text that is not one JSON value: " + shorten(text));
    }
    if (root == null || !root.isObject()) {
      return broken("", null, "the server returned " + shorten(text) + ", not a call object");
    }
    JsonNode name = root.get("name");
    JsonNode arguments = root.get("arguments");
    String tool = name != null && name.isTextual() ? name.asText() : "";
    ObjectNode args = arguments != null && arguments.isObject() ? (ObjectNode) arguments : null;
    if (tool.isEmpty()) {
      return broken("", args, "the call has no tool name: " + shorten(text));
    }
    if (args == null) {
      return broken(tool, null, "the call of " + tool + " has no arguments object: " + shorten(text));
    }
    Iterator<String> fields = root.fieldNames();
    while (fields.hasNext()) {
      String field = fields.next();
      if (!field.equals("name") && !field.equals("arguments")) {
        return broken(tool, args, "the call has a field '" + field + "' besides name and arguments");
      }
    }
    return new ReturnedCall(tool, args, "");
  }

  private static ReturnedCall broken(String tool, ObjectNode arguments, String problem) {
    return new ReturnedCall(tool, arguments == null ? WireFields.NODES.objectNode() : arguments, problem);
  }

  private static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
