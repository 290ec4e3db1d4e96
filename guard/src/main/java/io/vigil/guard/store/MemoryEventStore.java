package io.vigil.guard.store;

import java.util.List;

/** Sessions in memory only: for tests and throwaway sidecars ({@code --store memory}). */
public final class MemoryEventStore extends AbstractEventStore {
  @Override
  void persistCreate(SessionInfo info) {}

  @Override
  void persistAppend(State state, long previousLength, List<StoredEvent> appended) {}

  @Override
  public boolean blocks(boolean appends) {
    return false;
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}
}
