package io.vigil.guard.store;

import java.util.List;

/** Sessions in memory only: for tests and throwaway sidecars ({@code --store memory}). */
public final class MemoryEventStore extends AbstractEventStore {
  @Override
  Events persistCreate(SessionInfo info) {
    return new ListEvents();
  }

  @Override
  void persistAppend(State state, List<StoredEvent> appended) {
    ((ListEvents) state.events).add(appended); // made by persistCreate above
  }

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
