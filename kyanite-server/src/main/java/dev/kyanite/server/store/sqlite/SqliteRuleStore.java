package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.RuleStore;
import dev.kyanite.core.store.StoredRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link RuleStore} on table {@code rules} (migration V5); deletes leave a tombstone row. */
final class SqliteRuleStore implements RuleStore {
  private static final String COLS = "name, version, definition, created_at, updated_at";
  private final SqliteDatabase db;

  SqliteRuleStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public StoredRule put(String name, String definition, Instant at) {
    return db.write(c -> {
      int version = 1;
      Instant created = at;
      try (PreparedStatement p = c.prepareStatement("SELECT version, definition, created_at FROM rules WHERE name = ?")) {
        p.setString(1, name);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            version = rs.getInt(1) + 1;
            if (rs.getString(2) != null) created = Instant.parse(rs.getString(3));
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO rules(" + COLS + ", revision) VALUES (?,?,?,?,?,?) "
          + "ON CONFLICT(name) DO UPDATE SET version = excluded.version, definition = excluded.definition, "
          + "created_at = excluded.created_at, updated_at = excluded.updated_at, revision = excluded.revision")) {
        p.setString(1, name);
        p.setInt(2, version);
        p.setString(3, definition);
        p.setString(4, created.toString());
        p.setString(5, at.toString());
        p.setLong(6, nextRevision(c));
        p.executeUpdate();
      }
      return new StoredRule(name, version, definition, created, at);
    });
  }

  @Override
  public Optional<StoredRule> get(String name) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM rules WHERE name = ? AND definition IS NOT NULL")) {
        p.setString(1, name);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<StoredRule> list() {
    return db.read(c -> {
      List<StoredRule> out = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT " + COLS + " FROM rules WHERE definition IS NOT NULL ORDER BY name")) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    });
  }

  @Override
  public boolean delete(String name, Instant at) {
    return db.write(c -> {
      long revision = nextRevision(c);
      try (PreparedStatement p = c.prepareStatement("UPDATE rules SET definition = NULL, created_at = NULL, updated_at = ?, "
          + "revision = ? WHERE name = ? AND definition IS NOT NULL")) {
        p.setString(1, at.toString());
        p.setLong(2, revision);
        p.setString(3, name);
        return p.executeUpdate() > 0;
      }
    });
  }

  @Override
  public long revision() {
    return db.read(SqliteRuleStore::currentRevision);
  }

  private static long nextRevision(Connection c) throws SQLException {
    return currentRevision(c) + 1;
  }

  private static long currentRevision(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(revision), 0) FROM rules")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static StoredRule row(ResultSet rs) throws SQLException {
    return new StoredRule(rs.getString(1), rs.getInt(2), rs.getString(3), Instant.parse(rs.getString(4)),
        Instant.parse(rs.getString(5)));
  }
}
