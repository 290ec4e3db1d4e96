package io.vigil.guard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEventStoreTest {
  @TempDir Path dir;

  private static String msg(String text) {
    return "{\"type\":\"user_message\",\"text\":\"" + text + "\"}";
  }

  @Test
  void eventsSurviveReopen() {
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s1", "retail", Map.of("user", "u1"));
      assertEquals(List.of(0L, 1L), store.append("s1", List.of(msg("a"), msg("b"))));
      assertEquals(List.of(2L), store.append("s1", List.of(msg("c"))));
    }
    try (EventStore store = FileEventStore.open(dir)) {
      SessionInfo info = store.session("s1").orElseThrow();
      assertEquals("retail", info.policy());
      assertEquals(Map.of("user", "u1"), info.labels());
      assertEquals(3, info.length());
      assertEquals(msg("c"), store.events("s1", 2).get(0).json());
      assertEquals(List.of("s1"), store.sessions(null, 10).stream().map(SessionInfo::id).toList());
      assertThrows(StoreException.AlreadyExists.class, () -> store.create("s1", "retail", Map.of()));
    }
  }

  @Test
  void aTornOrUncommittedAppendIsCutOff() throws Exception {
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s", "p", Map.of());
      store.append("s", List.of(msg("a")));
    }
    Path file = dir.resolve("sessions/s.jsonl");
    // a complete line of an append whose commit line never came, then a torn line
    Files.writeString(file, "{\"seq\":1,\"at\":\"2024-01-01T00:00:00Z\",\"event\":" + msg("x") + "}\n"
        + "{\"seq\":2,\"at\":\"2024-01-0", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (EventStore store = FileEventStore.open(dir)) {
      assertEquals(1, store.session("s").orElseThrow().length());
      assertEquals(List.of(1L), store.append("s", List.of(msg("b"))));
    }
    try (EventStore store = FileEventStore.open(dir)) {
      assertEquals(List.of(msg("a"), msg("b")), store.events("s", 0).stream().map(StoredEvent::json).toList());
    }
  }

  @Test
  void workThatThrowsAppendsNothing() {
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s", "p", Map.of());
      assertThrows(IllegalStateException.class, () -> store.inSession("s", tx -> {
        tx.append(List.of(msg("a")));
        throw new IllegalStateException("no");
      }));
      assertEquals(0, store.session("s").orElseThrow().length());
      assertThrows(StoreException.NotFound.class, () -> store.append("nope", List.of(msg("a"))));
    }
  }

  @Test
  void aSecondProcessCannotOpenTheSameDirectory() {
    try (EventStore store = FileEventStore.open(dir)) {
      // within one JVM the OS lock shows up as an OverlappingFileLockException or a null lock
      assertThrows(RuntimeException.class, () -> FileEventStore.open(dir));
    }
  }

  @Test
  void sessionWorkIsSerialized() throws Exception {
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s", "p", Map.of());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        // "only the first may append": exactly one wins when the check and the append are atomic
        results.add(pool.submit(() -> store.inSession("s", tx -> {
          if (tx.length() > 0) {
            return false;
          }
          tx.append(List.of(msg("first")));
          return true;
        })));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      assertEquals(1, wins);
    }
  }

  @Test
  void eventsAreReadBackFromTheFileExactlyAsAppended() {
    // numbers as written (no double rounding), non-ASCII text, escapes, and an event text that
    // itself contains the line format's field names
    List<String> events = List.of(
        "{\"type\":\"tool_result\",\"id\":\"c1\",\"tool\":\"t\",\"output\":{\"amount\":12345678901234567.890,\"n\":1E+3}}",
        msg("caf\u00e9 \\\" \u2603 ,\\\"event\\\":{} ,\\\"at\\\":\\\"x"),
        "{\"type\":\"user_message\",\"text\":\"yes\",\"time\":\"2024-05-15T15:00:00Z\"}");
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s", "p", Map.of());
      store.append("s", events.subList(0, 2));
      store.append("s", events.subList(2, 3));
      assertEquals(events, store.events("s", 0).stream().map(StoredEvent::json).toList());
      assertEquals(events.subList(1, 3), store.inSession("s", tx -> tx.events(1)).stream().map(StoredEvent::json).toList());
      assertEquals(List.of(1L, 2L), store.events("s", 1).stream().map(StoredEvent::seq).toList());
      assertEquals(List.of(), store.events("s", 3));
    }
    try (EventStore store = FileEventStore.open(dir)) {
      assertEquals(events, store.events("s", 0).stream().map(StoredEvent::json).toList(), "the same after a reopen");
      store.append("s", List.of(msg("d")));
      assertEquals(msg("d"), store.events("s", 3).get(0).json());
    }
  }

  @Test
  void aSessionKeepsNoEventTextInMemory() throws Exception {
    try (EventStore store = FileEventStore.open(dir)) {
      store.create("s", "p", Map.of());
      store.append("s", List.of(msg("kept on disk only")));
      Path file = dir.resolve("sessions/s.jsonl");
      String text = Files.readString(file);
      // rewrite the event's text in place, same length: a store that read memory would not see it
      Files.writeString(file, text.replace("kept on disk only", "changed on disk!!"));
      assertEquals(msg("changed on disk!!"), store.events("s", 0).get(0).json());
    }
  }
}
