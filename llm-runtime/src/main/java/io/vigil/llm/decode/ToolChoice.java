package io.vigil.llm.decode;

/**
 * Whether the turn may, must or must not call a tool (OpenAI's {@code tool_choice}). {@code REQUIRED}
 * opens a call at once; if the policy leaves no allowed call, the turn is text all the same: the
 * policy outranks the request.
 */
public enum ToolChoice {
  AUTO, REQUIRED, NONE;

  /** {@code auto}, {@code required} or {@code none} (any case); empty means auto. */
  public static ToolChoice parse(String text) {
    if (text.isEmpty()) {
      return AUTO;
    }
    try {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be auto, required or none, got '" + text + "'");
    }
  }
}
