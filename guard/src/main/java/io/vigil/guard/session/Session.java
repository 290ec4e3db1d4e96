package io.vigil.guard.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.guard.policy.ActivePolicy;
import io.vigil.guard.store.EventStore;
import io.vigil.guard.store.SessionInfo;
import io.vigil.guard.store.StoredEvent;
import io.vigil.solver.PolicyDecider;
import io.vigil.solver.decision.Decision;
import io.vigil.solver.eval.Situation;
import io.vigil.solver.monitor.Monitor;
import io.vigil.solver.trace.Event;
import io.vigil.solver.trace.History;
import io.vigil.solver.trace.TraceReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One session: its id, policy name and a cache of its history, kept in the solver's incremental
 * {@link Monitor} (indexes per rule, so a decision does not scan the history; tool outputs cut to
 * what the rules read, so idle sessions are small; rebuilt from the store when the policy is
 * reloaded; anything that needs the events themselves reads them from the store). Every operation that reads the
 * history runs inside {@link EventStore#inSession} (the store's per-session lock, shared by every
 * replica), after taking this process's lock for the session (so threads of one process queue
 * here, not in the store). Inside, the cache first catches up with events other processes
 * appended, then the operation decides and appends; the events it appended enter the cache once
 * the store has committed them, so the cache only ever holds committed events.
 */
public final class Session {
  private final String id;
  private final String policyName;
  private final EventStore store;
  private final ReentrantLock lock = new ReentrantLock();
  /** The committed events, indexed for the policy version that last decided here; null until first use. */
  private Monitor monitor;
  private long length;

  Session(SessionInfo info, EventStore store) {
    this.id = info.id();
    this.policyName = info.policy();
    this.store = store;
  }

  public String id() {
    return id;
  }

  public String policyName() {
    return policyName;
  }

  /**
   * Decides a candidate call (its JSON has a time) and, when {@code record} and the caller may
   * proceed, appends it in the same atomic step. {@code call} was validated against {@code
   * policy}. Nothing is appended once {@code deadline} has passed.
   */
  public CheckOutcome check(ActivePolicy policy, Event.ToolCall call, ObjectNode callJson, boolean record,
      CheckOutcome.Mode mode, int alternativesMaxEvents, Deadline deadline) {
    return check(policy, call, callJson, record, mode, alternativesMaxEvents, deadline, false);
  }

  /**
   * As {@link #check}, but only when it can finish at once: empty (and nothing recorded) when the
   * session is busy, or when the call is denied and Z3 would look for alternatives. For the
   * thread that receives requests, which must not wait.
   */
  public java.util.Optional<CheckOutcome> checkNow(ActivePolicy policy, Event.ToolCall call, ObjectNode callJson,
      boolean record, CheckOutcome.Mode mode, int alternativesMaxEvents, Deadline deadline) {
    try {
      return java.util.Optional.of(check(policy, call, callJson, record, mode, alternativesMaxEvents, deadline, true));
    } catch (WouldWait e) {
      return java.util.Optional.empty();
    }
  }

  private CheckOutcome check(ActivePolicy policy, Event.ToolCall call, ObjectNode callJson, boolean record,
      CheckOutcome.Mode mode, int alternativesMaxEvents, Deadline deadline, boolean now) {
    return locked(policy, deadline, now, tx -> {
      long start = System.nanoTime();
      Decision decision = decide(policy, monitor, call, alternativesMaxEvents, now, () -> history(tx));
      CheckOutcome probe = new CheckOutcome(id, call, callJson, policy, decision, mode, false, -1, 0);
      boolean append = record && probe.allowed();
      long seq = -1;
      if (append) {
        deadline.check("the decision was made after the deadline; the call was not recorded");
        seq = tx.append(List.of(callJson.toString())).get(0);
      }
      long micros = (System.nanoTime() - start) / 1000;
      return new CheckOutcome(id, call, callJson, policy, decision, mode, append, seq, micros);
    });
  }

  /**
   * The decision for a call without recording anything; any exception denies as an engine error.
   * The verdict comes from the incremental monitor; a deny gets its alternatives from Z3 only
   * while the history has at most {@code alternativesMaxEvents} events (Z3 unrolls the rules over
   * every position, which takes seconds on long sessions). Alternatives draw on every value the
   * session has seen, which the compact monitor does not keep: {@code history} reads the events
   * from the store. {@code now}: throw {@link WouldWait} instead of asking Z3.
   */
  private static Decision decide(ActivePolicy policy, Monitor monitor, Event.ToolCall call, int alternativesMaxEvents,
      boolean now, java.util.function.Supplier<History> history) {
    Situation situation = PolicyDecider.situation(monitor.history(), call);
    Decision decision;
    try {
      decision = monitor.decide(situation);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      // e.g. a regex that recurses too deeply on a long argument: fail closed, as an engine error
      return Decision.engineError(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    if (decision.allowed() || monitor.size() > alternativesMaxEvents) {
      return decision;
    }
    if (now) {
      throw new WouldWait();
    }
    try {
      Situation full = new Situation(history.get(), call, situation.now());
      return decision.withAlternatives(policy.alternatives().alternatives(full));
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return decision; // the verdict stands; only the suggestions are missing
    }
  }

  /** Appends validated events (each trace JSON with a time), all or nothing; returns their sequence numbers. */
  public List<Long> record(ActivePolicy policy, List<ObjectNode> events, Deadline deadline) {
    return locked(policy, deadline, false, tx -> {
      deadline.check("the deadline passed before the events were recorded");
      return tx.append(events.stream().map(ObjectNode::toString).toList());
    });
  }

  /** The committed history, read from the store (the monitor keeps only what the rules read). */
  public History snapshot(ActivePolicy policy, Deadline deadline) {
    return locked(policy, deadline, false, this::history);
  }

  /** The session's committed events, whole, from the store. */
  private History history(EventStore.SessionTx tx) {
    History history = new History();
    long seq = 0;
    for (StoredEvent stored : tx.events(0)) {
      if (stored.seq() != seq) {
        throw new IllegalStateException("session " + id + ": expected event " + seq + ", store gave " + stored.seq());
      }
      history.append(TraceReader.event(EventJson.stored(stored.json()), "session " + id, (int) seq + 1));
      seq++;
    }
    return history;
  }

  /** {@code now}: do not wait for the session's lock (throw {@link WouldWait}). */
  private <T> T locked(ActivePolicy policy, Deadline deadline, boolean now, Function<EventStore.SessionTx, T> work) {
    if (now && !lock.tryLock()) {
      throw new WouldWait();
    }
    try {
      if (!now && !lock.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
        throw new GuardException(GuardException.Code.DEADLINE_EXCEEDED, "",
            "session " + id + " was busy until the deadline");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuardException(GuardException.Code.CANCELLED, "", "interrupted");
    }
    try {
      OwnAppends appends = new OwnAppends();
      T result = store.inSession(id, tx -> {
        PolicyDecider decider = policy.decider();
        if (monitor == null || monitor.plan() != decider.monitorPlan()) {
          if (now) {
            throw new WouldWait(); // the whole history is read from the store
          }
          // the compact monitor keeps only what this version's rules read: start from the store
          monitor = decider.monitorPlan().newCompactMonitor();
          length = 0;
        }
        catchUp(tx);
        return work.apply(appends.watching(tx));
      });
      appends.enter();
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The events an operation appended, taken into the monitor once the store has committed them
   * (so the monitor only ever holds committed events, and the store need not be read again for
   * them: a file store keeps no event text in memory).
   */
  private final class OwnAppends {
    private List<String> json = List.of();
    private List<Long> seqs = List.of();

    EventStore.SessionTx watching(EventStore.SessionTx tx) {
      return new EventStore.SessionTx() {
        @Override
        public SessionInfo info() {
          return tx.info();
        }

        @Override
        public long length() {
          return tx.length();
        }

        @Override
        public List<StoredEvent> events(long fromSeq) {
          return tx.events(fromSeq);
        }

        @Override
        public List<Long> append(List<String> eventsJson) {
          List<Long> appended = tx.append(eventsJson);
          json = concat(json, eventsJson);
          seqs = concat(seqs, appended);
          return appended;
        }
      };
    }

    /** Called after the commit, still under this process's lock of the session. */
    void enter() {
      try {
        for (int i = 0; i < json.size(); i++) {
          if (seqs.get(i) != length) {
            throw new IllegalStateException("session " + id + ": appended event " + seqs.get(i) + " after " + length);
          }
          monitor.append(TraceReader.event(EventJson.stored(json.get(i)), "session " + id, (int) length + 1));
          length++;
        }
      } catch (RuntimeException e) {
        // the events are committed, so the operation succeeded: the next one rebuilds the monitor from the store
        java.util.logging.Logger.getLogger(Session.class.getName()).warning(
            "session " + id + ": rebuilding its monitor: " + e.getMessage());
        monitor = null;
      }
    }

    private static <E> List<E> concat(List<E> a, List<E> b) {
      if (a.isEmpty()) {
        return b;
      }
      List<E> all = new java.util.ArrayList<>(a);
      all.addAll(b);
      return all;
    }
  }

  /** The operation cannot finish without waiting; nothing was changed. */
  private static final class WouldWait extends RuntimeException {
    WouldWait() {
      super(null, null, false, false);
    }
  }

  private void catchUp(EventStore.SessionTx tx) {
    for (StoredEvent stored : tx.events(length)) {
      if (stored.seq() != length) {
        throw new IllegalStateException("session " + id + ": expected event " + length + ", store gave " + stored.seq());
      }
      monitor.append(TraceReader.event(EventJson.stored(stored.json()), "session " + id, (int) stored.seq() + 1));
      length++;
    }
  }
}
