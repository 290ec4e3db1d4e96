package io.vigil.llm.remote;

/**
 * Something went wrong talking to a remote model server. Each kind is its own subclass so that a
 * caller can tell a server that is down from one that answers nonsense; every message names the
 * server and says what to check. Generation stops on any of them: nothing is emitted (fail closed).
 */
public class RemoteServerException extends RuntimeException {
  RemoteServerException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The server could not be reached (refused, reset, DNS). */
  public static final class Unreachable extends RemoteServerException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server did not answer within the request timeout. */
  public static final class Timeout extends RemoteServerException {
    Timeout(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server answered with an HTTP status other than 200. */
  public static final class HttpStatus extends RemoteServerException {
    private final int status;

    HttpStatus(int status, String message) {
      super(message, null);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** The server answered 200 with a body that is not JSON, or JSON without the fields its API documents. */
  public static final class BadResponse extends RemoteServerException {
    BadResponse(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The server sampled a token the decoder's mask does not allow: it ignored the constraint sent with
   * the request (an old version, a proxy that drops fields, a tokenizer mismatch). Continuing would
   * let an unconstrained model write the call, so the generation stops.
   */
  public static final class ConstraintIgnored extends RemoteServerException {
    ConstraintIgnored(String message) {
      super(message, null);
    }
  }
}
