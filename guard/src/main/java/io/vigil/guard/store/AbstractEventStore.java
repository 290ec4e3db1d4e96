package io.vigil.guard.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A store whose sessions are known to this process, each with its own lock; subclasses make
 * creations and appends durable ({@link #persistCreate}, {@link #persistAppend}), decide how a
 * session's events are held ({@link Events}: whole in memory, or where they lie in a file) and
 * may load sessions lazily ({@link #loadSession}). Serializes per session only within this
 * process.
 */
abstract class AbstractEventStore implements EventStore {
  /** Session ids: safe as file names and in URLs. */
  static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /** One session's state. Its events only grow. */
  static final class State {
    final SessionInfo info;
    final Events events;
    final ReentrantLock lock = new ReentrantLock();

    State(SessionInfo info, Events events) {
      this.info = info;
      this.events = events;
    }
  }

  /**
   * A session's committed events as the store keeps them in this process. Thread-safe: read
   * without the session's lock (a snapshot), grown by {@link #persistAppend} under it.
   */
  abstract static class Events {
    abstract int size();

    /** The events with {@code seq >= from}, in order: a consistent snapshot, never a torn append. */
    abstract List<StoredEvent> from(int from);
  }

  /** Events held whole in memory. */
  static final class ListEvents extends Events {
    private final List<StoredEvent> list = new ArrayList<>();

    @Override
    synchronized int size() {
      return list.size();
    }

    @Override
    synchronized List<StoredEvent> from(int from) {
      return List.copyOf(list.subList(Math.min(from, list.size()), list.size()));
    }

    synchronized void add(List<StoredEvent> appended) {
      list.addAll(appended);
    }
  }

  private final Map<String, State> sessions = new ConcurrentHashMap<>();
  private final Object createLock = new Object();

  /**
   * Makes a new session durable; throws AlreadyExists when the store holds it already. Returns
   * the holder of its events.
   */
  abstract Events persistCreate(SessionInfo info);

  /**
   * Makes appended events durable (after the ones {@code state} holds) and then adds them to
   * {@code state.events}, before returning; adds nothing when it throws.
   */
  abstract void persistAppend(State state, List<StoredEvent> appended);

  /** A session that is stored but not yet in memory; empty when there is none. */
  Optional<State> loadSession(String sessionId) {
    return Optional.empty();
  }

  static void checkId(String sessionId) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      throw new IllegalArgumentException("invalid session id '" + sessionId + "'");
    }
  }

  Optional<State> state(String sessionId) {
    if (sessionId == null) {
      return Optional.empty();
    }
    // a session in memory was created or loaded under a valid id: the pattern is checked only on a miss
    State state = sessions.get(sessionId);
    if (state != null) {
      return Optional.of(state);
    }
    if (!SESSION_ID.matcher(sessionId).matches()) {
      return Optional.empty();
    }
    synchronized (createLock) {
      state = sessions.get(sessionId);
      if (state == null) {
        state = loadSession(sessionId).orElse(null);
        if (state != null) {
          sessions.put(sessionId, state);
        }
      }
      return Optional.ofNullable(state);
    }
  }

  @Override
  public SessionInfo create(String sessionId, String policy, Map<String, String> labels) {
    checkId(sessionId);
    synchronized (createLock) {
      if (state(sessionId).isPresent()) {
        throw new StoreException.AlreadyExists(sessionId);
      }
      SessionInfo info = new SessionInfo(sessionId, policy, labels, Instant.now(), 0);
      sessions.put(sessionId, new State(info, persistCreate(info)));
      return info;
    }
  }

  @Override
  public Optional<SessionInfo> session(String sessionId) {
    return state(sessionId).map(s -> s.info.withLength(s.events.size()));
  }

  /** The ids of every stored session (memory and durable), for {@link #sessions}. */
  java.util.Set<String> allIds() {
    return sessions.keySet();
  }

  @Override
  public List<SessionInfo> sessions(String afterId, int limit) {
    return allIds().stream()
        .sorted()
        .filter(id -> afterId == null || id.compareTo(afterId) > 0)
        .map(this::session)
        .flatMap(Optional::stream)
        .limit(Math.max(0, limit))
        .toList();
  }

  @Override
  public List<StoredEvent> events(String sessionId, long fromSeq) {
    State state = state(sessionId).orElseThrow(() -> new StoreException.NotFound(sessionId));
    return state.events.from(index(fromSeq));
  }

  /** A sequence number as an index into a session's events (none below 0; past the end is past the end). */
  private static int index(long fromSeq) {
    return (int) Math.min(Math.max(0, fromSeq), Integer.MAX_VALUE);
  }

  @Override
  public <T> T inSession(String sessionId, SessionWork<T> work) {
    State state = state(sessionId).orElseThrow(() -> new StoreException.NotFound(sessionId));
    state.lock.lock();
    try {
      Tx tx = new Tx(state);
      T result = work.run(tx);
      if (!tx.pending.isEmpty()) {
        persistAppend(state, tx.pending);
      }
      return result;
    } finally {
      state.lock.unlock();
    }
  }

  private static final class Tx implements SessionTx {
    private final State state;
    private final List<StoredEvent> pending = new ArrayList<>();

    Tx(State state) {
      this.state = state;
    }

    @Override
    public SessionInfo info() {
      return state.info.withLength(length());
    }

    @Override
    public long length() {
      return state.events.size() + pending.size();
    }

    @Override
    public List<StoredEvent> events(long fromSeq) {
      return state.events.from(index(fromSeq));
    }

    @Override
    public List<Long> append(List<String> eventsJson) {
      Instant now = Instant.now();
      List<Long> seqs = new ArrayList<>();
      for (String json : eventsJson) {
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
          throw new IllegalArgumentException("an event's JSON text must be one line");
        }
        long seq = length();
        pending.add(new StoredEvent(seq, json, now));
        seqs.add(seq);
      }
      return seqs;
    }
  }
}
