package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.SchemaStore;
import dev.kyanite.core.store.StoredSchema;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link SchemaStore} on table {@code schemas} (migration V2). */
final class SqliteSchemaStore implements SchemaStore {
  private static final String COLS = "type, version, schema, created_at";
  private final SqliteDatabase db;

  SqliteSchemaStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public StoredSchema put(String type, String schema, Instant at) {
    return db.write(c -> {
      int version;
      try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM schemas WHERE type = ?")) {
        p.setString(1, type);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          version = rs.getInt(1) + 1;
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO schemas(" + COLS + ") VALUES (?,?,?,?)")) {
        p.setString(1, type);
        p.setInt(2, version);
        p.setString(3, schema);
        p.setString(4, at.toString());
        p.executeUpdate();
      }
      return new StoredSchema(type, version, schema, at);
    });
  }

  @Override
  public Optional<StoredSchema> latest(String type) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM schemas WHERE type = ? AND deleted = 0 "
          + "ORDER BY version DESC LIMIT 1")) {
        p.setString(1, type);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<StoredSchema> listLatest() {
    return db.read(c -> {
      List<StoredSchema> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT s.type, s.version, s.schema, s.created_at FROM schemas s "
          + "JOIN (SELECT type, MAX(version) AS v FROM schemas WHERE deleted = 0 GROUP BY type) m "
          + "ON s.type = m.type AND s.version = m.v ORDER BY s.type");
           ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    });
  }

  @Override
  public boolean delete(String type) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE schemas SET deleted = 1 WHERE type = ? AND deleted = 0")) {
        p.setString(1, type);
        return p.executeUpdate() > 0;
      }
    });
  }

  private static StoredSchema row(ResultSet rs) throws SQLException {
    return new StoredSchema(rs.getString(1), rs.getInt(2), rs.getString(3), Instant.parse(rs.getString(4)));
  }
}
