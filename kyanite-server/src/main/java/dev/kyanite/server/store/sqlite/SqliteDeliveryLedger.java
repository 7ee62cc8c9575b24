package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInt;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Writes delivery-ledger batches ({@code MetadataStore.recordDeliveries}) in one transaction. A
 * delivery that succeeded at its first attempt becomes one row of table {@code delivered}
 * (migration V6) holding the delivery and its attempt; everything else goes to {@code deliveries}
 * and {@code attempts} as before. The V6 triggers keep one state per (event, endpoint) pair — that
 * is, per webhook-id — across the two tables; {@link SqliteDeliveryStore} and
 * {@link SqliteAttemptStore} read both, so callers cannot tell where a pair is kept. The webhook-id
 * index of the compact rows is maintained here in bulk (see {@link #MERGE_ROWS}).
 */
final class SqliteDeliveryLedger {
  static final String COMPACT_COLS = "seq, created_at, id, id_key, event_id, endpoint_id, event_type, updated_at, attempt_id, "
      + "at, duration_ms, status, response_body";
  private static final String INSERT_COMPACT = "INSERT INTO delivered(" + COMPACT_COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
  /**
   * Compact rows whose webhook-id is looked up by scanning rather than through {@code delivered_ids}
   * are merged into it once there are this many (or after {@link #MERGE_AFTER_NANOS}): that bounds the
   * scan of {@code GET /v1/deliveries/{id}} to a few milliseconds, while one sorted bulk insert
   * touches each index page once instead of once per row.
   */
  static final int MERGE_ROWS = 20_000;
  static final long MERGE_AFTER_NANOS = 10_000_000_000L;
  /**
   * {@code select} (a query on {@code delivered} without WHERE) restricted to the rows whose
   * {@code id = ?1}, where {@code ?2} is {@link #idKey} of that id: through {@code delivered_ids},
   * plus the unmerged tail above its watermark (disjoint, so no row comes twice).
   */
  static String byId(String select) {
    return select + " WHERE seq IN (SELECT seq FROM delivered_ids WHERE id_key = ?2) AND id = ?1 UNION ALL " + select
        + " WHERE seq > (SELECT merged_seq FROM delivered_ids_state) AND id = ?1";
  }

  private final SqliteDatabase db;
  /** Compact rows written since the last merge (1 at start: a tail left by the previous run gets merged). */
  private int unmerged = 1;
  private long lastMerge = System.nanoTime();
  /**
   * The next {@code seq} of a compact row, assigned here rather than by SQLite: a rowid is
   * max + 1, so once the newest row was replaced (triggers) a new row could get a seq at or below
   * the merge watermark and be found neither through {@code delivered_ids} nor in the tail. Seqs
   * from this counter only grow. Read from the table on the first write (-1 until then).
   */
  private long nextSeq = -1;

  SqliteDeliveryLedger(SqliteDatabase db) {
    this.db = db;
  }

  /**
   * Whether {@code d} and {@code a} fit one {@code delivered} row with nothing lost: a delivery
   * delivered at attempt 1 and that very attempt, whose status the delivery repeats.
   */
  static boolean compactable(Delivery d, Attempt a) {
    return d.status() == DeliveryStatus.DELIVERED && d.attempts() == 1 && d.nextAttemptAt() == null
        && d.lastError() == null && d.payload() == null && d.lastStatus() != null
        && a.attempt() == 1 && a.error() == null && d.lastStatus().equals(a.status())
        && d.id().equals(a.deliveryId()) && d.eventId().equals(a.eventId()) && d.endpointId().equals(a.endpointId());
  }

  /**
   * Writes the batch in order, in one transaction (with the id-index merge when due); {@code relaxed}
   * skips the commit's fsync. Synchronized: the merge bookkeeping is per store.
   */
  synchronized void record(List<DeliveryUpdate> updates, boolean relaxed) {
    if (updates.isEmpty()) return;
    SqlWork<Integer> work = c -> {
      if (nextSeq < 0) nextSeq = firstSeq(c);
      int compact = write(c, updates);
      long now = System.nanoTime();
      if (unmerged + compact >= MERGE_ROWS || (unmerged + compact > 0 && now - lastMerge >= MERGE_AFTER_NANOS)) {
        mergeIds(c);
        return -1;
      }
      return compact;
    };
    int compact = relaxed ? db.writeRelaxed(work) : db.write(work);
    if (compact < 0) {
      unmerged = 0;
      lastMerge = System.nanoTime();
    } else {
      unmerged += compact;
    }
  }

  /** Adds the tail's webhook-ids to {@code delivered_ids} in key order and moves the watermark past them. */
  private static void mergeIds(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO delivered_ids(id_key, seq) SELECT id_key, seq FROM delivered "
          + "WHERE seq > (SELECT merged_seq FROM delivered_ids_state) ORDER BY id_key, seq");
      // never backwards (the newest rows may have been replaced since): rows below stay merged
      s.executeUpdate("UPDATE delivered_ids_state SET merged_seq = MAX(merged_seq, (SELECT COALESCE(MAX(seq), 0) FROM delivered))");
    }
  }

  /** Above every seq ever used: the newest row's, or the watermark when that row is gone. */
  private static long firstSeq(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM delivered), merged_seq) + 1 "
             + "FROM delivered_ids_state")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The {@code id_key} of a webhook-id: a stable 64-bit polynomial hash (not {@link String#hashCode},
   * whose 32 bits would collide far more often; collisions only cost a row read, reads compare ids).
   */
  static long idKey(String id) {
    long h = 1125899906842597L;
    for (int i = 0; i < id.length(); i++) h = 31 * h + id.charAt(i);
    return h;
  }

  /**
   * Consecutive rows of the same kind go out as one JDBC batch; a change of kind flushes the
   * previous batch first, so the statements run in the order of the updates (triggers depend on it).
   */
  private int write(Connection c, List<DeliveryUpdate> updates) throws SQLException {
    int compactRows = 0;
    PreparedStatement compact = db.prepared(c, INSERT_COMPACT);
    PreparedStatement delivery = db.prepared(c, SqliteDeliveryStore.UPSERT);
    PreparedStatement filtered = db.prepared(c, SqliteDeliveryStore.INSERT_IF_ABSENT);
    PreparedStatement attempt = db.prepared(c, SqliteAttemptStore.INSERT);
    PreparedStatement open = null;
    for (DeliveryUpdate u : updates) {
      Delivery d = u.delivery();
      Attempt a = u.attempt();
      if (d != null && a != null && compactable(d, a)) {
        open = switchTo(open, compact);
        bindCompact(compact, nextSeq++, d, a);
        compactRows++;
        continue;
      }
      if (d != null && d.status() == DeliveryStatus.FILTERED) {
        open = switchTo(open, filtered);
        SqliteDeliveryStore.bindIfAbsent(filtered, d);
      } else if (d != null) {
        open = switchTo(open, delivery);
        SqliteDeliveryStore.bind(delivery, d);
      }
      if (a != null) {
        open = switchTo(open, attempt);
        SqliteAttemptStore.bind(attempt, a);
      }
    }
    if (open != null) open.executeBatch();
    return compactRows;
  }

  /** Flushes {@code open} when the next row needs another statement; the caller binds and adds next. */
  private static PreparedStatement switchTo(PreparedStatement open, PreparedStatement next) throws SQLException {
    if (open != null && open != next) open.executeBatch();
    return next;
  }

  private static void bindCompact(PreparedStatement p, long seq, Delivery d, Attempt a) throws SQLException {
    p.setLong(1, seq);
    setInstant(p, 2, d.createdAt());
    p.setString(3, d.id());
    p.setLong(4, idKey(d.id()));
    p.setString(5, d.eventId());
    p.setString(6, d.endpointId());
    p.setString(7, d.eventType());
    setInstant(p, 8, d.updatedAt());
    p.setString(9, a.id());
    setInstant(p, 10, a.at());
    p.setLong(11, a.durationMs());
    setInt(p, 12, Objects.requireNonNull(a.status()));
    p.setString(13, a.responseBody());
    p.addBatch();
  }
}
