package io.vigil.guard.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoreException;
import io.vigil.guard.store.StoreFactory;
import io.vigil.guard.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PostgresEventStore} against a real PostgreSQL server (see {@link TestDatabase}). */
class PostgresEventStoreTest {
  private TestDatabase db;
  private final List<EventStore> open = new ArrayList<>();

  @BeforeEach
  void database() {
    db = TestDatabase.create();
  }

  @AfterEach
  void cleanUp() throws Exception {
    open.forEach(EventStore::close);
    if (db != null) {
      db.close();
    }
  }

  private EventStore store() {
    EventStore store = StoreFactory.open(db.url);
    open.add(store);
    return store;
  }

  private static String user(String text) {
    return "{\"type\":\"user_message\",\"text\":\"" + text + "\"}";
  }

  @Test
  void storeFactoryOpensItAndCreatesTheSchema() throws Exception {
    EventStore store = store();
    assertInstanceOf(PostgresEventStore.class, store);
    assertEquals(0, db.count("SELECT count(*) FROM vigil_sessions"));
    assertFalse(store.describe().contains("password=vigil"), store.describe());
    // a second replica finds the schema there
    store();
  }

  @Test
  void sessionsEventsAndLabelsRoundTrip() {
    EventStore store = store();
    SessionInfo created = store.create("s-1", "retail", Map.of("tenant", "acme", "agent", "a1"));
    assertEquals(0, created.length());
    assertThrows(StoreException.AlreadyExists.class, () -> store.create("s-1", "retail", Map.of()));
    assertEquals(List.of(0L, 1L), store.append("s-1", List.of(user("hi"), user("there"))));
    assertEquals(List.of(2L), store.append("s-1", List.of(user("again"))));

    SessionInfo info = store.session("s-1").orElseThrow();
    assertEquals("retail", info.policy());
    assertEquals(Map.of("agent", "a1", "tenant", "acme"), info.labels());
    assertEquals(3, info.length());
    assertEquals(created.createdAt(), info.createdAt());

    List<StoredEvent> events = store.events("s-1", 1);
    assertEquals(List.of(1L, 2L), events.stream().map(StoredEvent::seq).toList());
    assertEquals(user("there"), events.get(0).json());
    assertEquals(List.of(), store.events("s-1", 3));

    store.create("s-0", "retail", Map.of());
    store.create("s-2", "airline", Map.of());
    assertEquals(List.of("s-0", "s-1", "s-2"), store.sessions(null, 10).stream().map(SessionInfo::id).toList());
    assertEquals(List.of("s-1"), store.sessions("s-0", 1).stream().map(SessionInfo::id).toList());

    assertTrue(store.session("nope").isEmpty());
    assertTrue(store.session("../bad id").isEmpty());
    assertThrows(StoreException.NotFound.class, () -> store.events("nope", 0));
    assertThrows(StoreException.NotFound.class, () -> store.inSession("nope", tx -> 1));
  }

  @Test
  void aWorkThatThrowsStoresNothing() throws Exception {
    EventStore store = store();
    store.create("s", "retail", Map.of());
    store.append("s", List.of(user("kept")));
    assertThrows(IllegalStateException.class, () -> store.inSession("s", tx -> {
      tx.append(List.of(user("lost 1"), user("lost 2")));
      throw new IllegalStateException("decided to fail");
    }));
    assertEquals(1, store.session("s").orElseThrow().length());
    assertEquals(1, db.count("SELECT count(*) FROM vigil_events"));
    assertThrows(IllegalArgumentException.class, () -> store.append("s", List.of("{\"a\":\n1}")));
    assertEquals(List.of(1L), store.append("s", List.of(user("next"))));
  }

  @Test
  void insideASessionTheWorkSeesCommittedEventsOnly() {
    EventStore store = store();
    store.create("s", "retail", Map.of());
    store.append("s", List.of(user("a")));
    store.inSession("s", tx -> {
      assertEquals(1, tx.length());
      tx.append(List.of(user("b")));
      assertEquals(2, tx.length());
      assertEquals(2, tx.info().length());
      assertEquals(List.of(0L), tx.events(0).stream().map(StoredEvent::seq).toList());
      return null;
    });
    assertEquals(2, store.events("s", 0).size());
  }

  /**
   * Two stores on one database stand for two replicas. Each worker reads the session and appends
   * only if no "claim" is there yet (a rule only one call may pass): exactly one claim wins, and
   * the sequence numbers stay dense although both replicas append concurrently.
   */
  @Test
  void replicasSerializeEachSession() throws Exception {
    EventStore a = store();
    EventStore b = store();
    a.create("shared", "retail", Map.of());
    a.create("other", "retail", Map.of());
    String claim = "{\"type\":\"tool_call\",\"id\":\"c\",\"tool\":\"claim\",\"args\":{}}";
    AtomicInteger claims = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        EventStore store = i % 2 == 0 ? a : b;
        String session = i % 3 == 0 ? "other" : "shared";
        int n = i;
        futures.add(pool.submit(() -> store.inSession(session, tx -> {
          boolean claimed = tx.events(0).stream().anyMatch(e -> e.json().equals(claim));
          if (!claimed && session.equals("shared")) {
            claims.incrementAndGet();
            return tx.append(List.of(claim));
          }
          return tx.append(List.of(user("n" + n)));
        })));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, claims.get());
    for (String session : List.of("shared", "other")) {
      List<StoredEvent> events = b.events(session, 0);
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i, events.get(i).seq());
      }
      assertEquals(events.size(), a.session(session).orElseThrow().length());
    }
    assertEquals(60, a.events("shared", 0).size() + a.events("other", 0).size());
  }

  @Test
  void replicasStartingTogetherCreateTheSchemaOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<EventStore>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(pool.submit(() -> StoreFactory.open(db.url)));
      }
      for (Future<EventStore> f : futures) {
        open.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    open.get(0).create("x", "retail", Map.of());
    assertTrue(open.get(3).session("x").isPresent());
  }

  /** The database cuts the store's connections (a restart, a failover): the next call gets a new one. */
  @Test
  void aCutConnectionIsReplacedWithoutLosingTheCall() throws Exception {
    String app = "vigil-test-" + db.schema;
    EventStore store = StoreFactory.open(db.url + "&ApplicationName=" + app);
    open.add(store);
    store.create("s", "retail", Map.of());
    store.append("s", List.of(user("before")));
    assertTrue(db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + app + "'") > 0);
    assertEquals(List.of(1L), store.append("s", List.of(user("after"))));
    assertEquals(List.of(user("before"), user("after")), store.events("s", 0).stream().map(StoredEvent::json).toList());
  }

  @Test
  void aBadUrlIsAStoreErrorWithoutThePassword() {
    StoreException e = assertThrows(StoreException.class,
        () -> StoreFactory.open("jdbc:postgresql://127.0.0.1:1/nodb?user=u&password=secret&connectTimeout=2"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }
}
