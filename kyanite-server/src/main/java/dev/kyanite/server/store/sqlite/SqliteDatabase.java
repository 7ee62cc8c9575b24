package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The connection strategy for one SQLite file: SQLite allows one writer at a time and, in WAL
 * mode, readers that never block it. So there is exactly one write connection, used under a lock
 * with a transaction per {@link #write} call, and a small fixed set of read-only connections
 * handed out from a queue for {@link #read}. Every connection has WAL, a busy timeout and
 * {@code synchronous=FULL} (a committed write survives power loss).
 *
 * <p>Thread-safe. Calls block on I/O: never call from an event loop. JDBC errors become
 * {@link StoreException}s.
 */
final class SqliteDatabase implements AutoCloseable {
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Connection> readers;
  private final List<Connection> all = new ArrayList<>();
  private volatile boolean closed;

  private SqliteDatabase(Connection writer, List<Connection> readerList) {
    this.writer = writer;
    this.readers = new ArrayBlockingQueue<>(readerList.size(), false, readerList);
    all.add(writer);
    all.addAll(readerList);
  }

  static SqliteDatabase open(Path file, int readerCount) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    List<Connection> opened = new ArrayList<>();
    try {
      Connection w = config(false).createConnection(url);
      opened.add(w);
      w.setAutoCommit(false);
      List<Connection> rs = new ArrayList<>();
      for (int i = 0; i < readerCount; i++) {
        Connection r = config(true).createConnection(url);
        opened.add(r);
        rs.add(r);
      }
      return new SqliteDatabase(w, rs);
    } catch (SQLException e) {
      for (Connection c : opened) closeQuietly(c);
      throw new StoreException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }
  }

  private static SQLiteConfig config(boolean readOnly) {
    SQLiteConfig c = new SQLiteConfig();
    // WAL is persistent in the file: the writer (opened first) switches it on for everyone.
    if (!readOnly) c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setBusyTimeout(5_000);
    c.enforceForeignKeys(true);
    if (readOnly) c.setReadOnly(true);
    return c;
  }

  /** Runs {@code work} in one transaction on the write connection; commits, or rolls back on failure. */
  <T> T write(SqlWork<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      try {
        T result = work.run(writer);
        writer.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          writer.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof StoreException se) throw se;
        throw new StoreException("SQLite write failed: " + e.getMessage(), e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Like {@link #write}, but the commit does not wait for the disk ({@code synchronous=NORMAL}
   * for this one transaction): it survives a process crash (the WAL is in the OS page cache) but
   * not a power cut. Only for data that can be rebuilt from the event log, such as the event
   * index, whose rebuild after a power cut {@code EventIndexer} handles. Saves one fsync per
   * transaction; the next {@link #write} forces these frames along with its own.
   */
  <T> T writeRelaxed(SqlWork<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      synchronous("NORMAL");
      try {
        return write(work);
      } finally {
        synchronous("FULL");
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** The safety level may only change outside a transaction, hence the autocommit round trip. */
  private void synchronous(String level) {
    try {
      writer.commit();
      writer.setAutoCommit(true);
      try (java.sql.Statement st = writer.createStatement()) {
        st.execute("PRAGMA synchronous=" + level);
      } finally {
        writer.setAutoCommit(false);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot set synchronous=" + level + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} on a read-only connection (autocommit; sees every committed write). */
  <T> T read(SqlWork<T> work) {
    checkOpen();
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for a SQLite connection", e);
    }
    try {
      checkOpen();
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("SQLite read failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private void checkOpen() {
    if (closed) throw new StoreException("metadata store is closed");
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    writeLock.lock();
    try {
      for (Connection c : all) closeQuietly(c);
    } finally {
      writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing on shutdown or after a failed open; nothing left to do with it
    }
  }
}
