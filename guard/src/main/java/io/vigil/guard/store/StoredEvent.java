package io.vigil.guard.store;

import java.time.Instant;

/**
 * One event of a session as stored: its 0-based sequence number, the event as trace JSON text
 * (one JSON object, no newline), and when the store recorded it.
 */
public record StoredEvent(long seq, String json, Instant recordedAt) {}
