package io.vigil.solver.trace;

/** A trace line that is not a valid event; the message names the file, line and field. */
public final class TraceFormatException extends RuntimeException {
  private final String file;
  private final int line;
  private final String field;

  public TraceFormatException(String file, int line, String field, String problem) {
    super(file + ":" + line + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + problem);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String field() {
    return field;
  }
}
