package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInt;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInt;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.AttemptStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttemptStore} on table {@code attempts} (migration V4) plus the attempt inside each compact
 * {@code delivered} row (V6): batched appends, reads oldest first over both in one statement.
 */
final class SqliteAttemptStore implements AttemptStore {
  private static final String COLS = "id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body";
  /** The attempt of a {@code delivered} row as an {@code attempts} row (same columns and order as {@link #COLS}). */
  private static final String COMPACT_AS_ATTEMPT = "SELECT attempt_id AS id, id AS delivery_id, event_id, endpoint_id, "
      + "1 AS attempt, at, duration_ms, status, NULL AS error, response_body FROM delivered";
  static final String INSERT = "INSERT INTO attempts(" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?)";
  private final SqliteDatabase db;

  SqliteAttemptStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void appendAll(List<Attempt> attempts) {
    if (attempts.isEmpty()) return;
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(INSERT)) {
        for (Attempt a : attempts) bind(p, a);
        p.executeBatch();
      }
      return null;
    });
  }

  /** Binds {@code a} to {@link #INSERT} and adds it to the statement's batch. */
  static void bind(PreparedStatement p, Attempt a) throws SQLException {
    p.setString(1, a.id());
    p.setString(2, a.deliveryId());
    p.setString(3, a.eventId());
    p.setString(4, a.endpointId());
    p.setInt(5, a.attempt());
    setInstant(p, 6, a.at());
    p.setLong(7, a.durationMs());
    setInt(p, 8, a.status());
    p.setString(9, a.error());
    p.setString(10, a.responseBody());
    p.addBatch();
  }

  @Override
  public List<Attempt> forDelivery(String deliveryId) {
    return query("SELECT " + COLS + " FROM attempts WHERE delivery_id = ?1 UNION ALL "
        + SqliteDeliveryLedger.byId(COMPACT_AS_ATTEMPT) + " ORDER BY at, attempt", deliveryId, SqliteDeliveryLedger.idKey(deliveryId));
  }

  @Override
  public List<Attempt> forEvent(String eventId) {
    return query("SELECT " + COLS + " FROM attempts WHERE event_id = ?1 UNION ALL " + COMPACT_AS_ATTEMPT
        + " WHERE event_id = ?1 ORDER BY at, attempt", eventId, null);
  }

  /** Runs {@code sql} with {@code ?1} = {@code arg} and, when not null, {@code ?2} = {@code key}. */
  private List<Attempt> query(String sql, String arg, Long key) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        p.setString(1, arg);
        if (key != null) p.setLong(2, key);
        List<Attempt> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new Attempt(rs.getString("id"), rs.getString("delivery_id"), rs.getString("event_id"),
                rs.getString("endpoint_id"), rs.getInt("attempt"), getInstant(rs, "at"), rs.getLong("duration_ms"),
                getInt(rs, "status"), rs.getString("error"), rs.getString("response_body")));
          }
        }
        return out;
      }
    });
  }

  @Override
  public long pruneBefore(Instant cutoff) {
    // attempts of deliveries still scheduled stay (their history is what the next attempt adds to)
    return SqlChunks.deleteAll(db, "DELETE FROM attempts WHERE rowid IN (SELECT rowid FROM attempts WHERE at < ? "
        + "AND delivery_id NOT IN (SELECT id FROM deliveries WHERE status IN ('pending', 'retrying')) LIMIT "
        + SqliteDeliveryStore.PRUNE_CHUNK + ")", DeliveryColumns.nanos(cutoff));
  }
}
