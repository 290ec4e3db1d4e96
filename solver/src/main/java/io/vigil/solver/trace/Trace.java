package io.vigil.solver.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A trace read from a file: its events with the 0-based line each came from and the raw JSON. */
public record Trace(String source, List<Line> lines) {
  public Trace {
    lines = List.copyOf(lines);
  }

  public record Line(int index, Event event, JsonNode raw) {}

  public List<Event> events() {
    return lines.stream().map(Line::event).toList();
  }
}
