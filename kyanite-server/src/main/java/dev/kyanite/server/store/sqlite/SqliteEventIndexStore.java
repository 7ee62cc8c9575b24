package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.EventSpan;
import dev.kyanite.core.store.IndexedEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link EventIndexStore} on tables {@code event_index} and {@code idempotency_keys} (migration
 * V3) and {@code event_spans} (V7). {@link #putAll} is one transaction with batched statements, committed without waiting for
 * the disk (see {@link SqliteDatabase#writeRelaxed}); times are epoch nanoseconds.
 */
final class SqliteEventIndexStore implements EventIndexStore {
  private static final String INSERT_EVENT = "INSERT OR REPLACE INTO event_index"
      + "(partition, position, id, received_at, idem_key, body_hash) VALUES (?,?,?,?,?,?)";
  private static final String UPSERT_KEY = "INSERT INTO idempotency_keys"
      + "(key, event_id, partition, position, received_at, body_hash) VALUES (?,?,?,?,?,?) "
      + "ON CONFLICT(key) DO UPDATE SET event_id = excluded.event_id, partition = excluded.partition, "
      + "position = excluded.position, received_at = excluded.received_at, body_hash = excluded.body_hash "
      + "WHERE excluded.received_at >= idempotency_keys.received_at";
  private static final String INSERT_SPAN = "INSERT OR REPLACE INTO event_spans"
      + "(partition, first, last, min_ms, max_ms) VALUES (?,?,?,?,?)";

  private final SqliteDatabase db;

  SqliteEventIndexStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void putAll(List<IndexedEvent> events, List<EventSpan> spans) {
    if (events.isEmpty() && spans.isEmpty()) return;
    // relaxed: the index is rebuilt from the log after a power cut (EventIndexer.rewindToStore)
    db.writeRelaxed(c -> {
      if (!events.isEmpty()) {
        PreparedStatement ev = db.prepared(c, INSERT_EVENT);
        PreparedStatement key = null;
        for (IndexedEvent e : events) {
          long at = nanos(e.receivedAt());
          ev.setInt(1, e.partition());
          ev.setLong(2, e.position());
          ev.setString(3, e.id());
          ev.setLong(4, at);
          setNullable(ev, 5, e.idempotencyKey());
          setNullable(ev, 6, e.bodyHash());
          ev.addBatch();
          if (e.idempotencyKey() != null) {
            if (key == null) key = db.prepared(c, UPSERT_KEY);
            key.setString(1, e.idempotencyKey());
            key.setString(2, e.id());
            key.setInt(3, e.partition());
            key.setLong(4, e.position());
            key.setLong(5, at);
            setNullable(key, 6, e.bodyHash());
            key.addBatch();
          }
        }
        ev.executeBatch();
        if (key != null) key.executeBatch();
      }
      if (!spans.isEmpty()) {
        PreparedStatement sp = db.prepared(c, INSERT_SPAN);
        for (EventSpan s : spans) {
          sp.setInt(1, s.partition());
          sp.setLong(2, s.first());
          sp.setLong(3, s.last());
          sp.setLong(4, s.minMillis());
          sp.setLong(5, s.maxMillis());
          sp.addBatch();
        }
        sp.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<EventSpan> spansAt(long epochMillis) {
    return db.read(c -> {
      List<EventSpan> out = new ArrayList<>(2);
      // a span is at most MAX_MILLIS wide, so the index on min_ms bounds the search
      try (PreparedStatement p = c.prepareStatement("SELECT partition, first, last, min_ms, max_ms FROM event_spans "
          + "WHERE min_ms BETWEEN ? AND ? AND max_ms >= ?")) {
        p.setLong(1, epochMillis - EventSpan.MAX_MILLIS);
        p.setLong(2, epochMillis);
        p.setLong(3, epochMillis);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) out.add(new EventSpan(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
      return out;
    });
  }

  @Override
  public List<IndexedEvent> findById(String id) {
    return db.read(c -> {
      List<IndexedEvent> out = new ArrayList<>(1);
      try (PreparedStatement p = c.prepareStatement("SELECT id, partition, position, received_at, idem_key, body_hash "
          + "FROM event_index WHERE id = ? ORDER BY received_at, partition, position")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) out.add(row(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Optional<IndexedEvent> findByIdempotencyKey(String key) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT event_id, partition, position, received_at, key, body_hash "
          + "FROM idempotency_keys WHERE key = ?")) {
        p.setString(1, key);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void forEachIdempotencyKey(Instant since, java.util.function.Consumer<String> action) {
    db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT key FROM idempotency_keys WHERE received_at >= ?")) {
        p.setLong(1, nanos(since));
        p.setFetchSize(10_000);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) action.accept(rs.getString(1));
        }
      }
      return null;
    });
  }

  @Override
  public long pruneIdempotencyKeys(Instant cutoff) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM idempotency_keys WHERE received_at < ?")) {
        p.setLong(1, nanos(cutoff));
        return (long) p.executeUpdate();
      }
    });
  }

  @Override
  public long pruneBelow(int partition, long position) {
    return db.write(c -> {
      long n;
      try (PreparedStatement p = c.prepareStatement("DELETE FROM event_index WHERE partition = ? AND position < ?")) {
        p.setInt(1, partition);
        p.setLong(2, position);
        n = p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("DELETE FROM event_spans WHERE partition = ? AND first < ? AND last < ?")) {
        p.setInt(1, partition);
        p.setLong(2, position); // first <= last: lets the primary key bound the scan
        p.setLong(3, position);
        n += p.executeUpdate();
      }
      return n;
    });
  }

  private static IndexedEvent row(ResultSet rs) throws SQLException {
    long n = rs.getLong(4);
    return new IndexedEvent(rs.getString(1), rs.getInt(2), rs.getLong(3),
        Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L)), rs.getString(5),
        rs.getString(6));
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static void setNullable(PreparedStatement p, int i, String v) throws SQLException {
    if (v == null) p.setNull(i, Types.VARCHAR);
    else p.setString(i, v);
  }
}
