package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.Health;
import dev.kyanite.core.store.AttemptStore;
import dev.kyanite.core.store.DeliveryStore;
import dev.kyanite.core.store.DeliveryUpdate;
import dev.kyanite.core.store.EndpointStore;
import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.KeyStore;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.core.store.SchemaStore;
import dev.kyanite.core.store.RuleStore;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * The default {@link MetadataStore}: one SQLite file (normally {@code <data-dir>/metadata.db}) in
 * WAL mode, migrated forward on {@link #open}. Each concern is a {@code Sqlite<Thing>Store} in this
 * package sharing one {@link SqliteDatabase}; add a sub-store by creating it in the constructor and
 * returning it from its accessor. Thread-safe; every call blocks on I/O (keep it off event loops).
 */
public final class SqliteMetadataStore implements MetadataStore {
  private final SqliteDatabase db;
  private final Set<Integer> migrated;
  private final SqliteKeyStore keys;
  private final SqliteSchemaStore schemas;
  private final SqliteEventIndexStore eventIndex;
  private final SqliteRuleStore rules;
  private final SqliteEndpointStore endpoints;
  private final SqliteDeliveryStore deliveries;
  private final SqliteAttemptStore attempts;
  private final SqliteDeliveryLedger ledger;

  private SqliteMetadataStore(SqliteDatabase db) {
    this.db = db;
    this.migrated = Migrations.apply(db);
    this.keys = new SqliteKeyStore(db);
    this.schemas = new SqliteSchemaStore(db);
    this.eventIndex = new SqliteEventIndexStore(db);
    this.rules = new SqliteRuleStore(db);
    this.endpoints = new SqliteEndpointStore(db);
    this.deliveries = new SqliteDeliveryStore(db);
    this.attempts = new SqliteAttemptStore(db);
    this.ledger = new SqliteDeliveryLedger(db);
  }

  /** Opens (creating if needed) and migrates the database file. */
  public static SqliteMetadataStore open(Path file) {
    SqliteDatabase db = SqliteDatabase.open(file, 4);
    try {
      return new SqliteMetadataStore(db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Migration versions applied when this store was opened (empty when the schema was current). */
  public Set<Integer> migrationsApplied() {
    return migrated;
  }

  /** The SQLite journal mode in effect ({@code wal}). */
  String journalMode() {
    return db.read(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  @Override
  public KeyStore keys() {
    return keys;
  }

  @Override
  public SchemaStore schemas() {
    return schemas;
  }

  @Override
  public EventIndexStore eventIndex() {
    return eventIndex;
  }

  @Override
  public RuleStore rules() {
    return rules;
  }

  @Override
  public EndpointStore endpoints() {
    return endpoints;
  }

  @Override
  public DeliveryStore deliveries() {
    return deliveries;
  }

  @Override
  public AttemptStore attempts() {
    return attempts;
  }

  /** One transaction per batch; first-attempt successes as one compact row each (see {@link SqliteDeliveryLedger}). */
  @Override
  public void recordDeliveries(List<DeliveryUpdate> updates, boolean relaxed) {
    ledger.record(updates, relaxed);
  }

  @Override
  public Health check() {
    try {
      return db.read(c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
          return rs.next() ? Health.OK : Health.down("SQLite did not answer");
        }
      });
    } catch (RuntimeException e) {
      return Health.down("SQLite: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
