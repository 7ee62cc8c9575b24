package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInt;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.nanos;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInt;

import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryCursor;
import dev.kyanite.core.store.DeliveryPage;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link DeliveryStore} on table {@code deliveries} (migration V4) and the compact rows of
 * first-attempt successes in {@code delivered} (V6, written by {@link SqliteDeliveryLedger}); the
 * two never hold the same id (V6 triggers), and reads that may meet either table ask both in one
 * statement, so they see one consistent snapshot. {@link #upsertAll} is one transaction with a
 * batched statement; {@link #due} walks the partial index of scheduled rows (never in {@code delivered}).
 */
final class SqliteDeliveryStore implements DeliveryStore {
  private static final String COLS = "id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, "
      + "last_status, last_error, payload, created_at, updated_at";
  /** A {@code delivered} row as a {@code deliveries} row (same columns, same order as {@link #COLS}). */
  private static final String COMPACT_AS_DELIVERY = "SELECT id, event_id, endpoint_id, event_type, 'delivered' AS status, "
      + "1 AS attempts, NULL AS next_attempt_at, status AS last_status, NULL AS last_error, NULL AS payload, created_at, "
      + "updated_at FROM delivered";
  static final String UPSERT = "INSERT OR REPLACE INTO deliveries(" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
  /**
   * A {@code filtered} pair: inserted only when the pair has no record in either table (bind with
   * {@link #bindIfAbsent}).
   */
  static final String INSERT_IF_ABSENT = "INSERT INTO deliveries(" + COLS + ") SELECT ?,?,?,?,?,?,?,?,?,?,?,? "
      + "WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE id = ?) "
      + "AND NOT EXISTS (SELECT 1 FROM delivered WHERE event_id = ? AND endpoint_id = ?)";
  private final SqliteDatabase db;

  SqliteDeliveryStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void upsertAll(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) return;
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(UPSERT); PreparedStatement f = c.prepareStatement(INSERT_IF_ABSENT)) {
        boolean anyFiltered = false;
        for (Delivery d : deliveries) {
          if (d.status() == DeliveryStatus.FILTERED) {
            bindIfAbsent(f, d);
            anyFiltered = true;
          } else {
            bind(p, d);
          }
        }
        p.executeBatch();
        if (anyFiltered) f.executeBatch();
      }
      return null;
    });
  }

  /** Binds {@code d} to {@link #INSERT_IF_ABSENT} and adds it to the statement's batch. */
  static void bindIfAbsent(PreparedStatement p, Delivery d) throws SQLException {
    p.setString(13, d.id());
    p.setString(14, d.eventId());
    p.setString(15, d.endpointId());
    bind(p, d);
  }

  /** Binds {@code d} to {@link #UPSERT} and adds it to the statement's batch. */
  static void bind(PreparedStatement p, Delivery d) throws SQLException {
    p.setString(1, d.id());
    p.setString(2, d.eventId());
    p.setString(3, d.endpointId());
    p.setString(4, d.eventType());
    p.setString(5, d.status().wireName());
    p.setInt(6, d.attempts());
    setInstant(p, 7, d.nextAttemptAt());
    setInt(p, 8, d.lastStatus());
    p.setString(9, d.lastError());
    p.setBytes(10, d.payload());
    setInstant(p, 11, d.createdAt());
    setInstant(p, 12, d.updatedAt());
    p.addBatch();
  }

  @Override
  public Optional<Delivery> find(String id) {
    List<Delivery> l = query("SELECT " + COLS + " FROM deliveries WHERE id = ?1 UNION ALL "
        + SqliteDeliveryLedger.byId(COMPACT_AS_DELIVERY), id, SqliteDeliveryLedger.idKey(id));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  @Override
  public List<Delivery> due(Instant now, Set<String> excludedEndpoints, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLS + " FROM deliveries WHERE status IN ('pending', 'retrying') "
        + "AND next_attempt_at <= ?");
    List<Object> args = new ArrayList<>();
    args.add(nanos(now));
    if (!excludedEndpoints.isEmpty()) {
      sql.append(" AND endpoint_id NOT IN (").append("?,".repeat(excludedEndpoints.size() - 1)).append("?)");
      args.addAll(excludedEndpoints);
    }
    sql.append(" ORDER BY next_attempt_at, id LIMIT ?");
    args.add(limit);
    return query(sql.toString(), args.toArray());
  }

  @Override
  public List<Delivery> byEvent(String eventId) {
    return query("SELECT " + COLS + " FROM deliveries WHERE event_id = ? UNION ALL " + COMPACT_AS_DELIVERY
        + " WHERE event_id = ? ORDER BY endpoint_id", eventId, eventId);
  }

  /**
   * Newest first: a merge of the two tables' index scans in one statement ({@code delivered} holds
   * only delivered rows, so a filter on another status leaves it out).
   */
  @Override
  public DeliveryPage list(String endpointId, DeliveryStatus status, String cursor, int limit) {
    DeliveryCursor after = cursor == null ? null : DeliveryCursor.decode(cursor);
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + COLS + " FROM deliveries WHERE 1 = 1");
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.wireName());
    }
    filter(sql, args, endpointId, after);
    if (status == null || status == DeliveryStatus.DELIVERED) {
      sql.append(" UNION ALL ").append(COMPACT_AS_DELIVERY).append(" WHERE 1 = 1");
      filter(sql, args, endpointId, after);
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    args.add(limit + 1);
    List<Delivery> items = query(sql.toString(), args.toArray());
    if (items.size() <= limit) return new DeliveryPage(items, null);
    List<Delivery> page = List.copyOf(items.subList(0, limit));
    return new DeliveryPage(page, DeliveryCursor.encode(page.get(limit - 1)));
  }

  private static void filter(StringBuilder sql, List<Object> args, String endpointId, DeliveryCursor after) {
    if (endpointId != null) {
      sql.append(" AND endpoint_id = ?");
      args.add(endpointId);
    }
    if (after != null) {
      sql.append(" AND (created_at, id) < (?, ?)");
      args.add(after.createdAtNanos());
      args.add(after.id());
    }
  }

  @Override
  public long failScheduled(String endpointId, String reason, Instant now) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, "
          + "last_error = ?, updated_at = ? WHERE endpoint_id = ? AND status IN ('pending', 'retrying')")) {
        p.setString(1, reason);
        p.setLong(2, DeliveryColumns.nanos(now));
        p.setString(3, endpointId);
        return (long) p.executeUpdate();
      }
    });
  }

  @Override
  public long countScheduled() {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'retrying')");
           ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Deletes in chunks of {@value #PRUNE_CHUNK} rows, one short transaction each, so that the
   * ledger's writer never waits long: first compact successes ({@code delivered}, with the
   * webhook-id index entries of rows no longer there), then finished {@code deliveries} rows.
   */
  @Override
  public long pruneFinishedBefore(Instant cutoff) {
    long before = DeliveryColumns.nanos(cutoff);
    long n = SqlChunks.deleteAll(db, "DELETE FROM delivered WHERE seq IN (SELECT seq FROM delivered "
        + "WHERE created_at < ? ORDER BY created_at LIMIT " + PRUNE_CHUNK + ")", before);
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM delivered_ids WHERE seq < "
          + "(SELECT COALESCE(MIN(seq), (SELECT merged_seq + 1 FROM delivered_ids_state)) FROM delivered)")) {
        return p.executeUpdate();
      }
    });
    n += SqlChunks.deleteAll(db, "DELETE FROM deliveries WHERE rowid IN (SELECT rowid FROM deliveries "
        + "WHERE created_at < ? AND status NOT IN ('pending', 'retrying') ORDER BY created_at LIMIT " + PRUNE_CHUNK + ")", before);
    return n;
  }

  static final int PRUNE_CHUNK = 5_000;

  private List<Delivery> query(String sql, Object... args) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
        List<Delivery> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) out.add(row(rs));
        }
        return out;
      }
    });
  }

  private static Delivery row(ResultSet rs) throws SQLException {
    return new Delivery(rs.getString("id"), rs.getString("event_id"), rs.getString("endpoint_id"), rs.getString("event_type"),
        DeliveryStatus.fromWire(rs.getString("status")), rs.getInt("attempts"), getInstant(rs, "next_attempt_at"),
        getInt(rs, "last_status"), rs.getString("last_error"), rs.getBytes("payload"), getInstant(rs, "created_at"),
        getInstant(rs, "updated_at"));
  }
}
