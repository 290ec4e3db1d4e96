package io.vigil.guard.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoreException;
import io.vigil.guard.store.StoreFactory;
import io.vigil.guard.store.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Sessions in a PostgreSQL database ({@code vigil serve --store jdbc:postgresql://HOST:PORT/DB?user=U&password=P}),
 * so that several sidecar replicas share them.
 *
 * <p>Two tables in the connection's current schema (created when missing, under an advisory lock
 * so that replicas starting together do not race): {@code vigil_sessions} (id, policy, labels as
 * JSON text, created_at, length) and {@code vigil_events} (session_id, seq, recorded_at, event as
 * JSON text; primary key (session_id, seq)).
 *
 * <p>{@link #inSession} is one transaction that starts with {@code SELECT length FROM
 * vigil_sessions WHERE id = ? FOR UPDATE}: the row lock serializes every decision and append of
 * a session across all replicas, and sessions do not block each other. The events appended in
 * the work are inserted and the session's length updated in the same transaction, which commits
 * (synchronously, so an acknowledged event survives a crash) when the work returns and rolls
 * back when it throws. Inside, {@link SessionTx#events} reads only what was committed before the
 * lock was taken (sequence numbers below the locked length).
 */
public final class PostgresEventStore implements EventStore {
  /** Registered through META-INF/services: opens {@code jdbc:postgresql:} specs. */
  public static final class Provider implements StoreFactory.Provider {
    @Override
    public boolean accepts(String spec) {
      return spec.startsWith("jdbc:postgresql:");
    }

    @Override
    public EventStore open(String spec) {
      return PostgresEventStore.open(spec);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  /** The advisory lock key taken while creating the schema (any constant; "vigil" in ASCII). */
  private static final long SCHEMA_LOCK = 0x766967696cL;

  static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS vigil_sessions ("
        + " id text PRIMARY KEY,"
        + " policy text NOT NULL,"
        + " labels text NOT NULL,"
        + " created_at timestamptz NOT NULL,"
        + " length bigint NOT NULL DEFAULT 0 CHECK (length >= 0))",
    "CREATE TABLE IF NOT EXISTS vigil_events ("
        + " session_id text NOT NULL REFERENCES vigil_sessions (id),"
        + " seq bigint NOT NULL CHECK (seq >= 0),"
        + " recorded_at timestamptz NOT NULL,"
        + " event text NOT NULL,"
        + " PRIMARY KEY (session_id, seq))",
  };

  private final ConnectionPool pool;
  private final String description;

  private PostgresEventStore(ConnectionPool pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /** Connects, checks the server and creates the schema when it is missing. */
  public static PostgresEventStore open(String url) {
    String redacted = StoreFactory.redact(url);
    ConnectionPool pool = new ConnectionPool(url, ConnectionPool.DEFAULT_SIZE);
    try {
      createSchema(pool);
    } catch (StoreException e) {
      pool.close();
      throw new StoreException("cannot open " + redacted + ": " + e.getMessage(), e.getCause());
    }
    return new PostgresEventStore(pool, redacted);
  }

  private static void createSchema(ConnectionPool pool) {
    pool.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
      }
      return null;
    });
  }

  @Override
  public SessionInfo create(String sessionId, String policy, Map<String, String> labels) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      throw new IllegalArgumentException("invalid session id '" + sessionId + "'");
    }
    SessionInfo info = new SessionInfo(sessionId, policy, labels, now(), 0);
    boolean inserted = pool.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO vigil_sessions (id, policy, labels, created_at, length) VALUES (?, ?, ?, ?, 0)"
              + " ON CONFLICT (id) DO NOTHING")) {
        s.setString(1, sessionId);
        s.setString(2, policy);
        s.setString(3, labelsJson(info.labels()));
        s.setTimestamp(4, Timestamp.from(info.createdAt()));
        return s.executeUpdate() == 1;
      }
    });
    if (!inserted) {
      throw new StoreException.AlreadyExists(sessionId);
    }
    return info;
  }

  @Override
  public Optional<SessionInfo> session(String sessionId) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      return Optional.empty();
    }
    return pool.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, policy, labels, created_at, length FROM vigil_sessions WHERE id = ?")) {
        s.setString(1, sessionId);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(info(r)) : Optional.<SessionInfo>empty();
        }
      }
    });
  }

  @Override
  public List<SessionInfo> sessions(String afterId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return pool.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, policy, labels, created_at, length FROM vigil_sessions"
              + " WHERE ?::text IS NULL OR id COLLATE \"C\" > ? ORDER BY id COLLATE \"C\" LIMIT ?")) {
        s.setString(1, afterId);
        s.setString(2, afterId);
        s.setInt(3, limit);
        List<SessionInfo> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(info(r));
          }
        }
        return out;
      }
    });
  }

  @Override
  public List<StoredEvent> events(String sessionId, long fromSeq) {
    return pool.transaction(c -> {
      long length = lockOrRead(c, sessionId, false);
      return readEvents(c, sessionId, fromSeq, length);
    });
  }

  @Override
  public <T> T inSession(String sessionId, SessionWork<T> work) {
    return pool.transaction(c -> {
      long length = lockOrRead(c, sessionId, true);
      PgTx tx = new PgTx(c, sessionId, length);
      T result = work.run(tx);
      tx.flush();
      return result;
    });
  }

  /** The session's committed length; with {@code lock}, holding its row lock until the transaction ends. */
  private static long lockOrRead(Connection c, String sessionId, boolean lock) throws SQLException {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      throw new StoreException.NotFound(sessionId);
    }
    try (PreparedStatement s = c.prepareStatement(
        "SELECT length FROM vigil_sessions WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
      s.setString(1, sessionId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new StoreException.NotFound(sessionId);
        }
        return r.getLong(1);
      }
    }
  }

  /** Events with {@code fromSeq <= seq < below}, in order. */
  private static List<StoredEvent> readEvents(Connection c, String sessionId, long fromSeq, long below)
      throws SQLException {
    List<StoredEvent> out = new ArrayList<>();
    if (Math.max(0, fromSeq) >= below) {
      return out;
    }
    try (PreparedStatement s = c.prepareStatement(
        "SELECT seq, event, recorded_at FROM vigil_events WHERE session_id = ? AND seq >= ? AND seq < ? ORDER BY seq")) {
      s.setString(1, sessionId);
      s.setLong(2, Math.max(0, fromSeq));
      s.setLong(3, below);
      s.setFetchSize(1000);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new StoredEvent(r.getLong(1), r.getString(2), r.getTimestamp(3).toInstant()));
        }
      }
    }
    long expected = Math.max(0, fromSeq);
    for (StoredEvent e : out) {
      if (e.seq() != expected++) {
        throw new StoreException("session " + sessionId + ": event " + (expected - 1) + " is missing from vigil_events");
      }
    }
    if (expected != below) {
      throw new StoreException("session " + sessionId + ": vigil_events ends at " + expected + ", the session's length is " + below);
    }
    return out;
  }

  private static final class PgTx implements SessionTx {
    private final Connection connection;
    private final String sessionId;
    private final long committedLength;
    private final List<StoredEvent> pending = new ArrayList<>();
    private SessionInfo info;

    PgTx(Connection connection, String sessionId, long committedLength) {
      this.connection = connection;
      this.sessionId = sessionId;
      this.committedLength = committedLength;
    }

    @Override
    public SessionInfo info() {
      if (info == null) {
        try (PreparedStatement s = connection.prepareStatement(
            "SELECT id, policy, labels, created_at, length FROM vigil_sessions WHERE id = ?")) {
          s.setString(1, sessionId);
          try (ResultSet r = s.executeQuery()) {
            r.next();
            info = PostgresEventStore.info(r);
          }
        } catch (SQLException e) {
          throw ConnectionPool.failure(e);
        }
      }
      return info.withLength(length());
    }

    @Override
    public long length() {
      return committedLength + pending.size();
    }

    @Override
    public List<StoredEvent> events(long fromSeq) {
      try {
        return readEvents(connection, sessionId, fromSeq, committedLength);
      } catch (SQLException e) {
        throw ConnectionPool.failure(e);
      }
    }

    @Override
    public List<Long> append(List<String> eventsJson) {
      Instant now = now();
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

    /** Writes the appended events and the new length; the caller commits. */
    void flush() throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      try (PreparedStatement s = connection.prepareStatement(
          "INSERT INTO vigil_events (session_id, seq, recorded_at, event) VALUES (?, ?, ?, ?)")) {
        for (StoredEvent e : pending) {
          s.setString(1, sessionId);
          s.setLong(2, e.seq());
          s.setTimestamp(3, Timestamp.from(e.recordedAt()));
          s.setString(4, e.json());
          s.addBatch();
        }
        s.executeBatch();
      }
      try (PreparedStatement s = connection.prepareStatement("UPDATE vigil_sessions SET length = ? WHERE id = ?")) {
        s.setLong(1, length());
        s.setString(2, sessionId);
        s.executeUpdate();
      }
    }
  }

  private static SessionInfo info(ResultSet r) throws SQLException {
    Map<String, String> labels;
    try {
      labels = MAPPER.readValue(r.getString(3), new TypeReference<TreeMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new StoreException("session " + r.getString(1) + ": unreadable labels: " + e.getOriginalMessage());
    }
    return new SessionInfo(r.getString(1), r.getString(2), labels, r.getTimestamp(4).toInstant(), r.getLong(5));
  }

  private static String labelsJson(Map<String, String> labels) {
    try {
      return MAPPER.writeValueAsString(labels);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PostgreSQL keeps microseconds: so do we, so that what is read back equals what was written. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }
}
