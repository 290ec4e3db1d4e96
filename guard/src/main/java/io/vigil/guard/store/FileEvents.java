package io.vigil.guard.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A session's events as where they lie in its file ({@link FileEventStore}): one byte offset per
 * event, the lines read back when the events are asked for. The sidecar reads a session's events
 * only to rebuild its monitor or for Z3 and snapshots, so an idle session costs eight bytes per
 * event here instead of its JSON text.
 */
final class FileEvents extends AbstractEventStore.Events {
  private static final String SEQ = "{\"seq\":";
  private static final String AT = ",\"at\":\"";
  private static final String EVENT = ",\"event\":";

  /** The session's file, made when it is read: kept, it would cost an idle session more than its offsets. */
  private final java.util.function.Supplier<Path> file;
  /** Where each event's line starts (guarded by this). */
  private long[] starts;
  private int size;
  /** Where the last committed line ends (guarded by this). */
  private long end;

  FileEvents(java.util.function.Supplier<Path> file, long[] starts, int size, long end) {
    this.file = file;
    this.starts = starts;
    this.size = size;
    this.end = end;
  }

  @Override
  synchronized int size() {
    return size;
  }

  /** Appended lines that were forced to disk: where each starts, and where the last ends. */
  synchronized void committed(long[] lineStarts, long newEnd) {
    if (size + lineStarts.length > starts.length) {
      starts = Arrays.copyOf(starts, Math.max(size + lineStarts.length, starts.length * 2));
    }
    System.arraycopy(lineStarts, 0, starts, size, lineStarts.length);
    size += lineStarts.length;
    end = newEnd;
  }

  @Override
  List<StoredEvent> from(int from) {
    long[] lines;
    long stop;
    synchronized (this) {
      if (from >= size) {
        return List.of();
      }
      lines = Arrays.copyOfRange(starts, from, size);
      stop = end;
    }
    // the bytes up to `stop` were forced before `end` moved there, and later appends write after it
    long first = lines[0];
    byte[] bytes = read(first, stop);
    List<StoredEvent> events = new ArrayList<>(lines.length);
    for (long start : lines) {
      int offset = (int) (start - first);
      int newline = FileEventStore.indexOf(bytes, (byte) '\n', offset);
      if (newline < 0) {
        throw new StoreException(file.get() + ": the event line at byte " + start + " has no end");
      }
      events.add(parse(new String(bytes, offset, newline - offset, StandardCharsets.UTF_8), from + events.size()));
    }
    return events;
  }

  private byte[] read(long from, long to) {
    if (to - from > Integer.MAX_VALUE - 16) {
      throw new StoreException(file.get() + ": " + (to - from) + " bytes of events are too many to read at once");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) (to - from));
    try (FileChannel channel = FileChannel.open(file.get(), StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, from + buffer.position()) < 0) {
          throw new StoreException(file.get() + ": ends at byte " + (from + buffer.position()) + ", before its events do");
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot read " + file.get() + ": " + e.getMessage(), e);
    }
    return buffer.array();
  }

  /**
   * An event line as {@link FileEventStore} writes it: {@code {"seq":N,"at":"T"[,"commit":true],
   * "event":E}}. The event's text is cut out, not parsed and written again, so it stays exactly
   * as it was stored.
   */
  private StoredEvent parse(String line, int expectedSeq) {
    try {
      int comma = line.indexOf(',', SEQ.length());
      if (!line.startsWith(SEQ) || comma < 0 || !line.startsWith(AT, comma)) {
        throw new IllegalArgumentException("not an event line");
      }
      long seq = Long.parseLong(line.substring(SEQ.length(), comma));
      int atEnd = line.indexOf('"', comma + AT.length());
      int event = line.indexOf(EVENT, atEnd);
      if (seq != expectedSeq || atEnd < 0 || event < 0 || !line.endsWith("}")) {
        throw new IllegalArgumentException("expected event " + expectedSeq);
      }
      return new StoredEvent(seq, line.substring(event + EVENT.length(), line.length() - 1),
          Instant.parse(line.substring(comma + AT.length(), atEnd)));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new StoreException(file.get() + ": corrupt event line (" + e.getMessage() + ")");
    }
  }
}
