package io.vigil.solver.trace;

import io.vigil.solver.value.Value;
import java.math.BigDecimal;
import io.vigil.solver.value.Fields;
import java.util.Map;
import java.util.Optional;

/** One event of a session. {@code time} is seconds since the epoch, when the event carried one. */
public sealed interface Event {
  Optional<BigDecimal> time();

  /** A tool call. Arguments an agent has not produced yet are absent from {@code args}. */
  record ToolCall(String id, String tool, Map<String, Value> args, Optional<BigDecimal> time)
      implements Event {
    public ToolCall {
      args = Fields.copyOf(args);
    }
  }

  /**
   * The result of a tool call: {@code output} when it succeeded, {@code error} when it failed.
   * {@code args} are those of the call it answers (linked when the result enters a history).
   */
  record ToolResult(
      String id,
      String tool,
      Optional<Value> output,
      Optional<String> error,
      Map<String, Value> args,
      Optional<BigDecimal> time)
      implements Event {
    public ToolResult {
      args = Fields.copyOf(args);
    }

    public boolean ok() {
      return error.isEmpty();
    }

    /** This result linked to the call it answers: the call's arguments, and its id and tool name shared. */
    public ToolResult answering(ToolCall call) {
      return new ToolResult(id == null || !id.equals(call.id()) ? id : call.id(),
          tool.equals(call.tool()) ? call.tool() : tool, output, error, call.args(), time);
    }
  }

  record UserMessage(String text, Optional<BigDecimal> time) implements Event {}

  record AssistantMessage(String text, Optional<BigDecimal> time) implements Event {}
}
