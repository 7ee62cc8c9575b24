package dev.kyanite.server.store.sqlite;

import java.sql.PreparedStatement;

/** Large deletes as a series of short transactions (the writer lock is never held for long). */
final class SqlChunks {
  private SqlChunks() {}

  /**
   * Runs {@code deleteChunk} (a DELETE of at most one chunk of rows, with one {@code ?} bound to
   * {@code arg}) until it deletes nothing; each run is its own transaction.
   *
   * @return rows deleted in all
   */
  static long deleteAll(SqliteDatabase db, String deleteChunk, long arg) {
    long total = 0;
    while (true) {
      int n = db.write(c -> {
        try (PreparedStatement p = c.prepareStatement(deleteChunk)) {
          p.setLong(1, arg);
          return p.executeUpdate();
        }
      });
      if (n == 0) return total;
      total += n;
    }
  }
}
