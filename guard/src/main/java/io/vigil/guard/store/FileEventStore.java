package io.vigil.guard.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The embedded default store: one append-only JSON Lines file per session under {@code
 * DIR/sessions/ID.jsonl}. The first line describes the session ({@code {"session":..,"policy":..,
 * "labels":{..},"created_at":..}}), each further line is one event ({@code {"seq":N,"at":..,
 * "event":{..}}}, the last line of each append with {@code "commit":true}). An append writes its lines in one write and forces them to disk ({@link
 * FileChannel#force}) before it is acknowledged; a new session file is written to a temporary
 * name, forced, renamed and its directory forced. On load a torn last line (a crash during a
 * write, never acknowledged) and any lines of an append without its commit line are cut off.
 * In memory a session keeps only where each event's line starts ({@link FileEvents}); its events
 * are read back from the file when they are asked for.
 *
 * <p>One process at a time: the store takes an exclusive lock on {@code DIR/LOCK} (released by the
 * OS when the process dies, also on {@code kill -9}). Several replicas share sessions through a
 * database store instead.
 */
public final class FileEventStore extends AbstractEventStore {
  private static final Logger log = Logger.getLogger(FileEventStore.class.getName());
  private static final ObjectMapper mapper = new ObjectMapper();

  private final Path root;
  private final Path sessionsDir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private FileEventStore(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.sessionsDir = root.resolve("sessions");
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating if needed) the store in {@code dir}; fails if another process holds it. */
  public static FileEventStore open(Path dir) {
    try {
      Path root = dir.toAbsolutePath().normalize();
      Files.createDirectories(root.resolve("sessions"));
      FileChannel channel =
          FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new StoreException("store " + root + " is in use by another process (" + root.resolve("LOCK") + ")");
      }
      return new FileEventStore(root, channel, lock);
    } catch (IOException e) {
      throw new StoreException("cannot open store " + dir + ": " + e.getMessage(), e);
    }
  }

  private Path file(String sessionId) {
    return sessionsDir.resolve(sessionId + ".jsonl");
  }

  @Override
  Events persistCreate(SessionInfo info) {
    Path target = file(info.id());
    if (Files.exists(target)) {
      throw new StoreException.AlreadyExists(info.id());
    }
    ObjectNode header = mapper.createObjectNode();
    header.put("session", info.id());
    header.put("policy", info.policy());
    ObjectNode labels = header.putObject("labels");
    info.labels().forEach(labels::put);
    header.put("created_at", info.createdAt().toString());
    Path temp = sessionsDir.resolve("." + info.id() + ".tmp");
    try {
      byte[] headerLine = (mapper.writeValueAsString(header) + "\n").getBytes(StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        writeFully(channel, headerLine);
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
      forceDirectory(sessionsDir);
      String id = info.id();
      return new FileEvents(() -> file(id), new long[8], 0, headerLine.length);
    } catch (IOException e) {
      throw new StoreException("cannot create session " + info.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  void persistAppend(State state, List<StoredEvent> appended) {
    byte[][] lines = new byte[appended.size()][];
    int total = 0;
    for (int i = 0; i < appended.size(); i++) {
      StoredEvent event = appended.get(i);
      StringBuilder line = new StringBuilder(event.json().length() + 64);
      line.append("{\"seq\":").append(event.seq())
          .append(",\"at\":\"").append(event.recordedAt()).append('"');
      if (i == appended.size() - 1) {
        line.append(",\"commit\":true");
      }
      line.append(",\"event\":").append(event.json()).append("}\n");
      lines[i] = line.toString().getBytes(StandardCharsets.UTF_8);
      total += lines[i].length;
    }
    byte[] bytes = new byte[total];
    for (int i = 0, at = 0; i < lines.length; at += lines[i].length, i++) {
      System.arraycopy(lines[i], 0, bytes, at, lines[i].length);
    }
    try (FileChannel channel = FileChannel.open(file(state.info.id()), StandardOpenOption.WRITE)) {
      long size = channel.size();
      channel.position(size);
      try {
        writeFully(channel, bytes);
        channel.force(false);
      } catch (IOException e) {
        // Not acknowledged: take the partial lines back so memory and file agree.
        try {
          channel.truncate(size);
          channel.force(false);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      long[] starts = new long[lines.length];
      long at = size;
      for (int i = 0; i < lines.length; i++) {
        starts[i] = at;
        at += lines[i].length;
      }
      ((FileEvents) state.events).committed(starts, at); // made by persistCreate or loadSession
    } catch (IOException e) {
      throw new StoreException("cannot append to session " + state.info.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  Optional<State> loadSession(String sessionId) {
    Path path = file(sessionId);
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    try {
      byte[] bytes = Files.readAllBytes(path);
      long[] starts = new long[16];
      int count = 0;
      SessionInfo info = null;
      int start = 0;
      long goodEnd = 0;
      int committed = 0;
      while (start < bytes.length) {
        int end = indexOf(bytes, (byte) '\n', start);
        if (end < 0) {
          break; // a torn last line: never acknowledged
        }
        String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        JsonNode node;
        try {
          node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
          if (end == bytes.length - 1) {
            break; // torn (a newline from a later partial write): ignore
          }
          throw new StoreException(path + ":" + (count + 2) + ": corrupt line: " + e.getOriginalMessage());
        }
        if (info == null) {
          info = header(node, sessionId, path);
        } else {
          long seq = node.path("seq").asLong(-1);
          if (seq != count || !node.path("event").isObject() || !node.path("at").isTextual()) {
            throw new StoreException(path + ":" + (count + 2) + ": expected event " + count);
          }
          if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
          }
          starts[count++] = start;
        }
        start = end + 1;
        if (count == 0 || node.path("commit").asBoolean(false)) {
          goodEnd = start;
          committed = count;
        }
      }
      if (info == null) {
        throw new StoreException(path + ": no session header");
      }
      if (goodEnd < bytes.length) {
        // A crash during an append that was never acknowledged: drop its lines (all or nothing).
        log.warning(path + ": cutting off an unfinished append (" + (bytes.length - goodEnd) + " bytes)");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.truncate(goodEnd);
          channel.force(false);
        }
      }
      return Optional.of(new State(info, new FileEvents(() -> file(sessionId),
          java.util.Arrays.copyOf(starts, committed), committed, goodEnd)));
    } catch (IOException e) {
      throw new StoreException("cannot read session " + sessionId + ": " + e.getMessage(), e);
    }
  }

  private static SessionInfo header(JsonNode node, String sessionId, Path path) {
    if (!sessionId.equals(node.path("session").asText()) || !node.path("policy").isTextual()) {
      throw new StoreException(path + ":1: not a session header for " + sessionId);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    node.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new SessionInfo(sessionId, node.get("policy").asText(), labels,
        Instant.parse(node.path("created_at").asText()), 0);
  }

  @Override
  Set<String> allIds() {
    Set<String> ids = new HashSet<>(super.allIds());
    try (Stream<Path> files = Files.list(sessionsDir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jsonl") && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ".jsonl".length()))
          .filter(id -> SESSION_ID.matcher(id).matches())
          .forEach(ids::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some file systems cannot open directories: the rename is still atomic
    }
  }

  /**
   * A unit that only decides reads nothing from disk (the sidecar's sessions take their own
   * appends into their monitors, and nobody else writes this store); an append writes and forces
   * the session's file.
   */
  @Override
  public boolean blocks(boolean appends) {
    return appends;
  }

  @Override
  public String describe() {
    return "file:" + root;
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.warning("closing store " + root + ": " + e.getMessage());
    }
  }
}
