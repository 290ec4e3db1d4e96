package io.vigil.guard.store;

/** A store failure. The subclasses are the failures a caller reports differently. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** There is no session with that id. */
  public static final class NotFound extends StoreException {
    public NotFound(String sessionId) {
      super("no session '" + sessionId + "'");
    }
  }

  /** A session with that id already exists. */
  public static final class AlreadyExists extends StoreException {
    public AlreadyExists(String sessionId) {
      super("session '" + sessionId + "' already exists");
    }
  }
}
