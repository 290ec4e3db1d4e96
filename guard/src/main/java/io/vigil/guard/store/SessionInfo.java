package io.vigil.guard.store;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A session: its id, the policy it is checked against, labels, creation time and length. */
public record SessionInfo(
    String id, String policy, Map<String, String> labels, Instant createdAt, long length) {
  public SessionInfo {
    // sorted by key; no map of its own for a session without labels (most): every session keeps one
    labels = labels.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  public SessionInfo withLength(long newLength) {
    return new SessionInfo(id, policy, labels, createdAt, newLength);
  }
}
