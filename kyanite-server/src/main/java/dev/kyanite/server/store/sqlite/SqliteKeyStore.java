package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.ApiKey;
import dev.kyanite.core.store.KeyStore;
import dev.kyanite.core.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link KeyStore} on table {@code api_keys} (migration V1). */
final class SqliteKeyStore implements KeyStore {
  private static final String COLS = "id, name, hash, scopes, rate_limit, created_at, revoked_at";
  private final SqliteDatabase db;

  SqliteKeyStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void create(ApiKey k) {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO api_keys(" + COLS + ") VALUES (?,?,?,?,?,?,?)")) {
        p.setString(1, k.id());
        p.setString(2, k.name());
        p.setBytes(3, k.hash());
        p.setString(4, String.join(" ", k.scopes()));
        if (k.rateLimit() == null) p.setNull(5, java.sql.Types.REAL); else p.setDouble(5, k.rateLimit());
        p.setString(6, k.createdAt().toString());
        p.setString(7, k.revokedAt() == null ? null : k.revokedAt().toString());
        p.executeUpdate();
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) throw new StoreException("duplicate key id or hash", e);
        throw e;
      }
      return null;
    });
  }

  @Override
  public Optional<ApiKey> findByHash(byte[] hash) {
    return db.read(c -> one(c.prepareStatement("SELECT " + COLS + " FROM api_keys WHERE hash = ?"), p -> p.setBytes(1, hash)));
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return db.read(c -> one(c.prepareStatement("SELECT " + COLS + " FROM api_keys WHERE id = ?"), p -> p.setString(1, id)));
  }

  @Override
  public List<ApiKey> list() {
    return db.read(c -> {
      List<ApiKey> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM api_keys ORDER BY rowid");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    });
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        p.setString(1, at.toString());
        p.setString(2, id);
        return p.executeUpdate() == 1;
      }
    });
  }

  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private static Optional<ApiKey> one(PreparedStatement p, Binder binder) throws SQLException {
    try (p) {
      binder.bind(p);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static ApiKey row(ResultSet rs) throws SQLException {
    Set<String> scopes = new LinkedHashSet<>(Arrays.asList(rs.getString(4).split(" ")));
    scopes.remove("");
    double rl = rs.getDouble(5);
    Double rate = rs.wasNull() ? null : rl;
    String revoked = rs.getString(7);
    return new ApiKey(rs.getString(1), rs.getString(2), rs.getBytes(3), Set.copyOf(scopes), rate,
        Instant.parse(rs.getString(6)), revoked == null ? null : Instant.parse(revoked));
  }
}
