package io.vigil.guard.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A store whose sessions live in this process's memory, each with its own lock; subclasses make
 * creations and appends durable ({@link #persistCreate}, {@link #persistAppend}) and may load
 * sessions lazily ({@link #loadSession}). Serializes per session only within this process.
 */
abstract class AbstractEventStore implements EventStore {
  /** Session ids: safe as file names and in URLs. */
  static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /** One session's state. {@code events} only grows; it is read under {@code lock} or copied. */
  static final class State {
    final SessionInfo info;
    final List<StoredEvent> events;
    final ReentrantLock lock = new ReentrantLock();

    State(SessionInfo info, List<StoredEvent> events) {
      this.info = info;
      this.events = Collections.synchronizedList(new ArrayList<>(events));
    }
  }

  private final Map<String, State> sessions = new ConcurrentHashMap<>();
  private final Object createLock = new Object();

  /** Makes a new session durable; throws AlreadyExists when the store holds it already. */
  abstract void persistCreate(SessionInfo info);

  /** Makes appended events durable (after the {@code previous} ones) before returning. */
  abstract void persistAppend(State state, long previousLength, List<StoredEvent> appended);

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
      persistCreate(info);
      sessions.put(sessionId, new State(info, List.of()));
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
    synchronized (state.events) {
      int from = (int) Math.min(Math.max(0, fromSeq), state.events.size());
      return List.copyOf(state.events.subList(from, state.events.size()));
    }
  }

  @Override
  public <T> T inSession(String sessionId, SessionWork<T> work) {
    State state = state(sessionId).orElseThrow(() -> new StoreException.NotFound(sessionId));
    state.lock.lock();
    try {
      Tx tx = new Tx(state);
      T result = work.run(tx);
      if (!tx.pending.isEmpty()) {
        long previous = state.events.size();
        persistAppend(state, previous, tx.pending);
        state.events.addAll(tx.pending);
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
      synchronized (state.events) {
        int from = (int) Math.min(Math.max(0, fromSeq), state.events.size());
        return List.copyOf(state.events.subList(from, state.events.size()));
      }
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
