package io.vigil.guard.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage of sessions and their events.
 *
 * <p>A session has an id, the name of the policy it is checked against, free-form labels and an
 * append-only list of events with dense 0-based sequence numbers. Events are stored as JSON text
 * in the JSON Lines trace format ({@code {"type":"tool_call","id":..,"tool":..,"args":{..}}}, see
 * docs/language.md), so a store knows nothing about the solver's types.
 *
 * <p><b>Serialization.</b> Everything that reads a session's history to decide and then appends
 * to it runs inside {@link #inSession}: the store runs the work holding the session's exclusive
 * lock, across every process that shares the store (a PostgreSQL store: one transaction that
 * starts with {@code SELECT ... FROM sessions WHERE id = ? FOR UPDATE}, or a transaction-scoped
 * advisory lock on the session id, and commits at the end). Two concurrent checks of one session
 * are thereby serialized; different sessions do not block each other.
 *
 * <p><b>Atomicity and durability.</b> Events appended through {@link SessionTx#append} become
 * visible and durable together when {@code inSession} returns normally (commit); if the work
 * throws, none of them is stored (rollback). When {@code inSession} returns, the events survive a
 * crash of the process (fsync / commit).
 *
 * <p>Implementations are thread-safe. Failures are {@link StoreException}s.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Creates a session.
   *
   * @throws StoreException.AlreadyExists if a session with this id exists
   */
  SessionInfo create(String sessionId, String policy, Map<String, String> labels);

  /** The session, if it exists (its {@code length} is the number of events). */
  Optional<SessionInfo> session(String sessionId);

  /** Sessions in id order, starting after {@code afterId} (null: from the first), at most {@code limit}. */
  List<SessionInfo> sessions(String afterId, int limit);

  /**
   * The session's events with {@code seq >= fromSeq}, in order (a consistent snapshot: no torn
   * appends).
   *
   * @throws StoreException.NotFound if there is no such session
   */
  List<StoredEvent> events(String sessionId, long fromSeq);

  /**
   * Runs {@code work} holding the session's exclusive lock, inside one atomic unit: the events it
   * appends are committed together when it returns, and discarded when it throws.
   *
   * @throws StoreException.NotFound if there is no such session (before {@code work} runs)
   */
  <T> T inSession(String sessionId, SessionWork<T> work);

  /** Appends events outside any decision: {@code inSession(id, tx -> tx.append(events))}. */
  default List<Long> append(String sessionId, List<String> eventsJson) {
    return inSession(sessionId, tx -> tx.append(eventsJson));
  }

  /**
   * Whether a unit of {@link #inSession} may wait for I/O ({@code appends}: a unit that appends
   * events). The sidecar runs units that cannot on the thread that received the request, and
   * hands the others to a worker thread.
   */
  default boolean blocks(boolean appends) {
    return true;
  }

  /** A short description for logs ({@code file:/var/lib/vigil}, {@code memory}, ...). */
  String describe();

  @Override
  void close();

  /** The session as seen inside {@link #inSession}, while its lock is held. */
  interface SessionTx {
    SessionInfo info();

    /** The number of events, the ones appended in this unit included. */
    long length();

    /**
     * The committed events with {@code seq >= fromSeq}: a caller that caches a session's history
     * reads only what other processes appended since it last looked.
     */
    List<StoredEvent> events(long fromSeq);

    /**
     * Appends events (JSON text of trace events) after the current last one; returns their
     * sequence numbers. They are committed when the enclosing {@code inSession} returns.
     */
    List<Long> append(List<String> eventsJson);
  }

  @FunctionalInterface
  interface SessionWork<T> {
    T run(SessionTx tx);
  }
}
