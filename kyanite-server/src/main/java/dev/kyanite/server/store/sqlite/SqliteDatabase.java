package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The connection strategy for one SQLite file: SQLite allows one writer at a time and, in WAL
 * mode, readers that never block it. So writes go through two write connections under one lock,
 * with a transaction per {@link #write} call: one with {@code synchronous=FULL} (a committed write
 * survives power loss) and one with {@code synchronous=NORMAL} for {@link #writeRelaxed}; and a
 * small fixed set of read-only connections handed out from a queue for {@link #read}. Every
 * connection has WAL and a busy timeout.
 *
 * <p>Thread-safe. Calls block on I/O: never call from an event loop. JDBC errors become
 * {@link StoreException}s.
 */
final class SqliteDatabase implements AutoCloseable {
  private final Connection writer;
  /** Commits without waiting for the disk ({@code synchronous=NORMAL}); see {@link #writeRelaxed}. */
  private final Connection relaxedWriter;
  /** Statements kept per write connection ({@link #prepared}); only touched under {@link #writeLock}. */
  private final Map<Connection, Map<String, PreparedStatement>> kept = new IdentityHashMap<>();
  /** The write connection whose transaction runs now (read and written under {@link #writeLock}). */
  private Connection inTransaction;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Connection> readers;
  private final List<Connection> all = new ArrayList<>();
  private volatile boolean closed;

  private SqliteDatabase(Connection writer, Connection relaxedWriter, List<Connection> readerList) {
    this.writer = writer;
    this.relaxedWriter = relaxedWriter;
    this.readers = new ArrayBlockingQueue<>(readerList.size(), false, readerList);
    all.add(writer);
    all.add(relaxedWriter);
    all.addAll(readerList);
  }

  static SqliteDatabase open(Path file, int readerCount) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    List<Connection> opened = new ArrayList<>();
    try {
      Connection w = config(false, SQLiteConfig.SynchronousMode.FULL).createConnection(url);
      opened.add(w);
      w.setAutoCommit(false);
      Connection relaxed = config(false, SQLiteConfig.SynchronousMode.NORMAL).createConnection(url);
      opened.add(relaxed);
      relaxed.setAutoCommit(false);
      List<Connection> rs = new ArrayList<>();
      for (int i = 0; i < readerCount; i++) {
        Connection r = config(true, SQLiteConfig.SynchronousMode.FULL).createConnection(url);
        opened.add(r);
        rs.add(r);
      }
      return new SqliteDatabase(w, relaxed, rs);
    } catch (SQLException e) {
      for (Connection c : opened) closeQuietly(c);
      throw new StoreException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }
  }

  private static SQLiteConfig config(boolean readOnly, SQLiteConfig.SynchronousMode synchronous) {
    SQLiteConfig c = new SQLiteConfig();
    // WAL is persistent in the file: the writer (opened first) switches it on for everyone.
    if (!readOnly) c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(synchronous);
    c.setBusyTimeout(5_000);
    c.enforceForeignKeys(true);
    if (readOnly) c.setReadOnly(true);
    return c;
  }

  /** Runs {@code work} in one transaction on the write connection; commits, or rolls back on failure. */
  <T> T write(SqlWork<T> work) {
    return transaction(writer, work);
  }

  /**
   * Like {@link #write}, but the commit does not wait for the disk (the second write connection
   * has {@code synchronous=NORMAL}): it survives a process crash (the WAL is in the OS page cache)
   * but not a power cut. Only for data that can be rebuilt from the event log, such as the event
   * index, whose rebuild after a power cut {@code EventIndexer} handles. Saves one fsync per
   * transaction; the next {@link #write} forces these frames along with its own (one WAL file).
   * A connection of its own rather than switching the pragma on the other one: the switch cost
   * two more commits and a statement per transaction, about as much as the event indexer's work.
   * So a relaxed write cannot run inside a {@link #write}'s work, nor the other way round
   * ({@link IllegalStateException}: SQLite would make the inner one wait for the outer's lock).
   */
  <T> T writeRelaxed(SqlWork<T> work) {
    return transaction(relaxedWriter, work);
  }

  private <T> T transaction(Connection c, SqlWork<T> work) {
    writeLock.lock();
    Connection outer = inTransaction;
    try {
      checkOpen();
      if (outer != null && outer != c) {
        // this thread's transaction on the other write connection holds SQLite's write lock: this
        // one would wait busy_timeout (5 s) for it and then fail; fail at once instead
        throw new IllegalStateException("a write and a relaxed write cannot nest");
      }
      inTransaction = c;
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof StoreException se) throw se;
        throw new StoreException("SQLite write failed: " + e.getMessage(), e);
      }
    } finally {
      inTransaction = outer;
      writeLock.unlock();
    }
  }

  /**
   * A statement for {@code sql} on the write connection {@code c}, prepared at its first use and
   * kept until {@link #close}: for the statements of every transaction of a busy writer (event
   * index, delivery ledger), where preparing them again each time cost a third of the transaction.
   * Only inside {@link #write} or {@link #writeRelaxed} work, on the connection that work was given;
   * never close it. It comes back without parameters or batch, whatever the previous (perhaps
   * failed) transaction left in it.
   */
  PreparedStatement prepared(Connection c, String sql) throws SQLException {
    if (!writeLock.isHeldByCurrentThread() || c != inTransaction) {
      throw new IllegalStateException("kept statements are for the connection of the write work running now");
    }
    Map<String, PreparedStatement> byText = kept.computeIfAbsent(c, k -> new HashMap<>());
    PreparedStatement p = byText.get(sql);
    if (p == null) {
      p = c.prepareStatement(sql);
      byText.put(sql, p);
    } else {
      p.clearBatch();
      p.clearParameters();
    }
    return p;
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
