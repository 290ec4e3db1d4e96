package io.vigil.llm.spi;

/**
 * The special tokens the decoder steers with: the end of the assistant's turn, and the tags around a
 * tool call ({@code <tool_call>} ... {@code </tool_call>} in the Qwen/Hermes convention).
 */
public record SpecialTokens(int endOfTurn, int toolCallOpen, int toolCallClose) {}
