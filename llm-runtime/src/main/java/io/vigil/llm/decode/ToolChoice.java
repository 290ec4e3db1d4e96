package io.vigil.llm.decode;

/**
 * Whether the turn may, must or must not call a tool (OpenAI's {@code tool_choice}). {@code REQUIRED}
 * opens a call at once; if the policy leaves no allowed call, the turn is text all the same: the
 * policy outranks the request.
 */
public enum ToolChoice { AUTO, REQUIRED, NONE }
