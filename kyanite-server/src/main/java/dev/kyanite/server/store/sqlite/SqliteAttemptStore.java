package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInt;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInt;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.AttemptStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** {@link AttemptStore} on table {@code attempts} (migration V4): batched appends, reads oldest first. */
final class SqliteAttemptStore implements AttemptStore {
  private static final String COLS = "id, delivery_id, event_id, endpoint_id, attempt, at, duration_ms, status, error, response_body";
  private final SqliteDatabase db;

  SqliteAttemptStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void appendAll(List<Attempt> attempts) {
    if (attempts.isEmpty()) return;
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO attempts(" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?)")) {
        for (Attempt a : attempts) {
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
        p.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<Attempt> forDelivery(String deliveryId) {
    return query("SELECT " + COLS + " FROM attempts WHERE delivery_id = ? ORDER BY at, attempt", deliveryId);
  }

  @Override
  public List<Attempt> forEvent(String eventId) {
    return query("SELECT " + COLS + " FROM attempts WHERE event_id = ? ORDER BY at, attempt", eventId);
  }

  private List<Attempt> query(String sql, String arg) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        p.setString(1, arg);
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
}
