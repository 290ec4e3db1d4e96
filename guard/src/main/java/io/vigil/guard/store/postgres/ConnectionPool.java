package io.vigil.guard.store.postgres;

import io.vigil.guard.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of JDBC connections, each used for one transaction at a time. A connection that
 * failed (or that does not answer after sitting idle) is dropped and replaced on demand, so the
 * store recovers when the database restarts.
 */
final class ConnectionPool implements AutoCloseable {
  static final int DEFAULT_SIZE = 16;
  private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long BORROW_TIMEOUT_SECONDS = 30;

  /** Work inside a transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private record Idle(Connection connection, long since) {}

  private final String url;
  private final Semaphore permits;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private volatile boolean closed;

  ConnectionPool(String url, int size) {
    this.url = url;
    this.permits = new Semaphore(size, true);
  }

  /**
   * Runs {@code work} in a transaction and commits; rolls back and rethrows when it throws (an
   * SQLException as a StoreException). When the connection turns out to be dead before the
   * commit (the database restarted, an idle connection was cut), nothing was committed, so the
   * work runs once more on a new connection; a failure during the commit itself is not retried
   * (whether it committed is unknown).
   */
  <T> T transaction(SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection c = borrow();
      boolean healthy = false;
      boolean committing = false;
      try {
        T result = work.run(c);
        committing = true;
        c.commit();
        healthy = true;
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        SQLException sql = sqlCause(e);
        boolean broken = sql != null && isConnectionFailure(sql);
        healthy = !broken && rollback(c);
        if (broken && !committing && attempt == 1) {
          continue;
        }
        if (e instanceof SQLException) {
          throw failure((SQLException) e);
        }
        if (e instanceof Error) {
          throw (Error) e;
        }
        throw (RuntimeException) e;
      } finally {
        giveBack(c, healthy);
      }
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }

  static StoreException failure(SQLException e) {
    return new StoreException("PostgreSQL: " + e.getMessage()
        + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), e);
  }

  /** The connection is unusable: a connection exception (08...) or the server shutting it down (57P01-57P03). */
  private static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  private static boolean rollback(Connection c) {
    try {
      c.rollback();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private Connection borrow() {
    if (closed) {
      throw new StoreException("the PostgreSQL store is closed");
    }
    try {
      if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new StoreException("no PostgreSQL connection free after " + BORROW_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a PostgreSQL connection");
    }
    try {
      while (true) {
        Idle candidate;
        synchronized (idle) {
          candidate = idle.pollFirst();
        }
        if (candidate == null) {
          break;
        }
        if (System.nanoTime() - candidate.since() < IDLE_CHECK_NANOS || valid(candidate.connection())) {
          return candidate.connection();
        }
        closeQuietly(candidate.connection());
      }
      Connection c = DriverManager.getConnection(url);
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      permits.release();
      throw failure(e);
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  private static boolean valid(Connection c) {
    try {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private void giveBack(Connection c, boolean healthy) {
    try {
      if (healthy && !closed) {
        synchronized (idle) {
          idle.addFirst(new Idle(c, System.nanoTime()));
        }
      } else {
        closeQuietly(c);
      }
    } finally {
      permits.release();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // already broken
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (idle) {
      idle.forEach(i -> closeQuietly(i.connection()));
      idle.clear();
    }
  }
}
