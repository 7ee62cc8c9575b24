package dev.kyanite.server.store.sqlite;

import static dev.kyanite.server.store.sqlite.DeliveryColumns.fromJson;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.getInstant;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.json;
import static dev.kyanite.server.store.sqlite.DeliveryColumns.setInstant;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.EndpointStore;
import dev.kyanite.core.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link EndpointStore} on table {@code endpoints} (migration V4). Lists in creation order. */
final class SqliteEndpointStore implements EndpointStore {
  private static final String COLS = "id, url, event_types, description, rate_limit, max_in_flight, timeout_ms, "
      + "retry_schedule_ms, enabled, disabled_reason, headers, filter, secret, previous_secret, "
      + "previous_secret_expires_at, failing_since, created_at, updated_at";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
  private final SqliteDatabase db;

  SqliteEndpointStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void create(Endpoint e) {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO endpoints(" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        bind(p, e);
        return p.executeUpdate();
      } catch (SQLException ex) {
        if (ex.getMessage() != null && ex.getMessage().contains("UNIQUE")) throw new StoreException("duplicate endpoint id " + e.id(), ex);
        throw ex;
      }
    });
  }

  @Override
  public Optional<Endpoint> find(String id) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM endpoints WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<Endpoint> list() {
    return db.read(c -> {
      List<Endpoint> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM endpoints ORDER BY rowid");
           ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    });
  }

  @Override
  public boolean update(Endpoint e) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE endpoints SET id = ?, url = ?, event_types = ?, description = ?, "
          + "rate_limit = ?, max_in_flight = ?, timeout_ms = ?, retry_schedule_ms = ?, enabled = ?, disabled_reason = ?, "
          + "headers = ?, filter = ?, secret = ?, previous_secret = ?, previous_secret_expires_at = ?, failing_since = ?, "
          + "created_at = ?, updated_at = ? WHERE id = ?")) {
        bind(p, e);
        p.setString(19, e.id());
        return p.executeUpdate() > 0;
      }
    });
  }

  @Override
  public boolean delete(String id) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM endpoints WHERE id = ?")) {
        p.setString(1, id);
        return p.executeUpdate() > 0;
      }
    });
  }

  private static void bind(PreparedStatement p, Endpoint e) throws SQLException {
    p.setString(1, e.id());
    p.setString(2, e.url());
    p.setString(3, json(e.eventTypes()));
    p.setString(4, e.description());
    if (e.rateLimit() == null) p.setNull(5, Types.REAL);
    else p.setDouble(5, e.rateLimit());
    p.setInt(6, e.maxInFlight());
    p.setInt(7, e.timeoutMs());
    p.setString(8, e.retrySchedule() == null ? null : json(e.retrySchedule().stream().map(Duration::toMillis).toList()));
    p.setInt(9, e.enabled() ? 1 : 0);
    p.setString(10, e.disabledReason());
    p.setString(11, json(e.headers()));
    p.setString(12, e.filter());
    p.setString(13, e.secret());
    p.setString(14, e.previousSecret());
    setInstant(p, 15, e.previousSecretExpiresAt());
    setInstant(p, 16, e.failingSince());
    setInstant(p, 17, e.createdAt());
    setInstant(p, 18, e.updatedAt());
  }

  private static Endpoint row(ResultSet rs) throws SQLException {
    double rate = rs.getDouble("rate_limit");
    Double rateLimit = rs.wasNull() ? null : rate;
    List<Long> schedule = fromJson(rs.getString("retry_schedule_ms"), LONGS);
    return new Endpoint(rs.getString("id"), rs.getString("url"), fromJson(rs.getString("event_types"), STRINGS),
        rs.getString("description"), rateLimit, rs.getInt("max_in_flight"), rs.getInt("timeout_ms"),
        schedule == null ? null : schedule.stream().map(Duration::ofMillis).toList(), rs.getInt("enabled") == 1,
        rs.getString("disabled_reason"), fromJson(rs.getString("headers"), HEADERS), rs.getString("filter"),
        rs.getString("secret"), rs.getString("previous_secret"), getInstant(rs, "previous_secret_expires_at"),
        getInstant(rs, "failing_since"), getInstant(rs, "created_at"), getInstant(rs, "updated_at"));
  }
}
