package io.vigil.guard.session;

/**
 * A request the guard refuses, with the status it maps to and the offending request field (proto
 * field path such as {@code events[2].tool_call.args_json}; empty when no single field is at fault).
 */
public final class GuardException extends RuntimeException {
  public enum Code { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE }

  private final Code code;
  private final String field;

  public GuardException(Code code, String field, String message) {
    super(field.isEmpty() ? message : field + ": " + message);
    this.code = code;
    this.field = field;
  }

  public static GuardException invalid(String field, String message) {
    return new GuardException(Code.INVALID_ARGUMENT, field, message);
  }

  public static GuardException notFound(String field, String message) {
    return new GuardException(Code.NOT_FOUND, field, message);
  }

  public Code code() {
    return code;
  }

  public String field() {
    return field;
  }
}
