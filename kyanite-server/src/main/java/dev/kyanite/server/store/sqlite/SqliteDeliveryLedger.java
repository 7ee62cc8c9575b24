package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInt;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Writes delivery-ledger batches ({@code MetadataStore.recordDeliveries}) in one transaction. A
 * delivery that succeeded at its first attempt becomes one row of table {@code delivered}
 * (migration V6) holding the delivery and its attempt; everything else goes to {@code deliveries}
 * and {@code attempts} as before. The V6 triggers keep one state per webhook-id across the two
 * tables; {@link SqliteDeliveryStore} and {@link SqliteAttemptStore} read both, so callers cannot
 * tell where a pair is kept.
 */
final class SqliteDeliveryLedger {
  static final String COMPACT_COLS = "created_at, id, event_id, endpoint_id, event_type, updated_at, attempt_id, at, "
      + "duration_ms, status, response_body";
  private final SqliteDatabase db;

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

  /** Writes the batch in order, in one transaction; {@code relaxed} skips the commit's fsync. */
  void record(List<DeliveryUpdate> updates, boolean relaxed) {
    if (updates.isEmpty()) return;
    SqlWork<Void> work = c -> {
      write(c, updates);
      return null;
    };
    if (relaxed) db.writeRelaxed(work);
    else db.write(work);
  }

  /**
   * Consecutive rows of the same kind go out as one JDBC batch; a change of kind flushes the
   * previous batch first, so the statements run in the order of the updates (triggers depend on it).
   */
  static void write(Connection c, List<DeliveryUpdate> updates) throws SQLException {
    try (PreparedStatement compact = c.prepareStatement("INSERT OR REPLACE INTO delivered(" + COMPACT_COLS
            + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)");
         PreparedStatement delivery = c.prepareStatement(SqliteDeliveryStore.UPSERT);
         PreparedStatement attempt = c.prepareStatement(SqliteAttemptStore.INSERT)) {
      PreparedStatement open = null;
      for (DeliveryUpdate u : updates) {
        Delivery d = u.delivery();
        Attempt a = u.attempt();
        if (d != null && a != null && compactable(d, a)) {
          open = switchTo(open, compact);
          bindCompact(compact, d, a);
          continue;
        }
        if (d != null) {
          open = switchTo(open, delivery);
          SqliteDeliveryStore.bind(delivery, d);
        }
        if (a != null) {
          open = switchTo(open, attempt);
          SqliteAttemptStore.bind(attempt, a);
        }
      }
      if (open != null) open.executeBatch();
    }
  }

  /** Flushes {@code open} when the next row needs another statement; the caller binds and adds next. */
  private static PreparedStatement switchTo(PreparedStatement open, PreparedStatement next) throws SQLException {
    if (open != null && open != next) open.executeBatch();
    return next;
  }

  private static void bindCompact(PreparedStatement p, Delivery d, Attempt a) throws SQLException {
    setInstant(p, 1, d.createdAt());
    p.setString(2, d.id());
    p.setString(3, d.eventId());
    p.setString(4, d.endpointId());
    p.setString(5, d.eventType());
    setInstant(p, 6, d.updatedAt());
    p.setString(7, a.id());
    setInstant(p, 8, a.at());
    p.setLong(9, a.durationMs());
    setInt(p, 10, Objects.requireNonNull(a.status()));
    p.setString(11, a.responseBody());
    p.addBatch();
  }
}
