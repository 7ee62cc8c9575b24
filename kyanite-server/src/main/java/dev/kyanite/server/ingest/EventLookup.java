package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.EventSpan;
import dev.kyanite.core.store.IndexedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds an event by id for {@code GET /v1/events/{id}}: through the event index (its entry, or for a
 * server-assigned id the spans of the millisecond the id carries, scanned), or, for events
 * appended after the indexer's position, by scanning that short tail of the log; then reads the
 * record itself from the log. Its {@code status} is {@code accepted} until consumer group
 * {@value #DELIVERIES_GROUP} has committed past it, then {@code processed}; an
 * {@link EventStatusSource} may add delivery details. Blocking (store and log reads): run it on a
 * worker thread.
 */
final class EventLookup {
  static final String DELIVERIES_GROUP = "deliveries";
  /** Bound on the unindexed tail scanned per partition (the indexer is normally milliseconds behind). */
  private static final int MAX_TAIL_SCAN = 200_000;

  private final EventLog log;
  private final EventIndexStore index;
  private final EventIndexer indexer;
  private volatile EventStatusSource statusSource = EventStatusSource.NONE;

  EventLookup(EventLog log, EventIndexStore index, EventIndexer indexer) {
    this.log = log;
    this.index = index;
    this.indexer = indexer;
  }

  void statusSource(EventStatusSource source) {
    this.statusSource = source;
  }

  /**
   * The event with this id as JSON, or empty when unknown (or deleted by retention). When several
   * sources used the same id, {@code source} picks one; otherwise the latest is returned.
   */
  Optional<ObjectNode> find(String id, String source) {
    // Where the index ends, read before the index is: a record the indexer writes meanwhile is then
    // still in the scanned tail (read the other way round, an event acked a moment ago could be in
    // neither and answer 404).
    long[] unindexed = new long[log.partitions()];
    for (int p = 0; p < unindexed.length; p++) unindexed[p] = indexer.position(p);
    Located where = null;
    List<IndexedEvent> indexed = index.findById(id);
    for (int i = indexed.size() - 1; i >= 0 && where == null; i--) {
      IndexedEvent e = indexed.get(i);
      Located l = read(e.partition(), e.position());
      if (l != null && l.event.id().equals(id) && (source == null || source.equals(l.event.source()))) where = l;
    }
    if (where == null) where = scanSpans(id, source);
    Located tail = scanTail(id, source, unindexed);
    if (tail != null) where = tail;
    if (where == null) return Optional.empty();
    return Optional.of(describe(where));
  }

  private record Located(Event event, int partition, long position) {}

  /** A server-assigned id has no index entry: scan the spans that contain its millisecond. */
  private Located scanSpans(String id, String source) {
    long ms = EventIds.millis(id);
    if (ms < 0) return null;
    for (EventSpan span : index.spansAt(ms)) {
      int p = span.partition();
      Located l = scan(p, Math.max(span.first(), log.startPosition(p)), span.last() + 1, id, source, true);
      if (l != null) return l;
    }
    return null;
  }

  private Located scanTail(String id, String source, long[] unindexed) {
    Located found = null;
    for (int p = 0; p < unindexed.length; p++) {
      long from = Math.max(unindexed[p], log.startPosition(p));
      Located l = scan(p, from, Math.min(log.endPosition(p), from + MAX_TAIL_SCAN), id, source, false);
      if (l != null) found = l;
    }
    return found;
  }

  /**
   * The record of {@code id} (and {@code source}, if given) among positions {@code [from, end)} of
   * partition {@code p}, read in chunks: the first match, or with {@code first} false the last one.
   */
  private Located scan(int p, long from, long end, String id, String source, boolean first) {
    Located found = null;
    while (from < end) {
      List<LogRecord> rs = log.read(p, from, (int) Math.min(1_000, end - from), Duration.ZERO);
      if (rs.isEmpty()) break;
      for (LogRecord r : rs) {
        if (r.position() >= end) return found;
        if (matches(r, id, source)) {
          found = new Located(EventCodec.decode(r.payload()), p, r.position());
          if (first) return found;
        }
      }
      from = rs.get(rs.size() - 1).position() + 1;
    }
    return found;
  }

  private static boolean matches(LogRecord r, String id, String source) {
    try {
      LogHeader h = LogHeader.read(r.payload());
      return h.id().equals(id) && (source == null || source.equals(h.source()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Located read(int partition, long position) {
    if (position < log.startPosition(partition)) return null;
    List<LogRecord> rs = log.read(partition, position, 1, Duration.ZERO);
    if (rs.isEmpty() || rs.get(0).position() != position) return null;
    try {
      return new Located(EventCodec.decode(rs.get(0).payload()), partition, position);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private ObjectNode describe(Located l) {
    Event e = l.event;
    ObjectNode o = EventCodec.mapper().createObjectNode();
    o.put("id", e.id());
    o.put("type", e.type());
    if (e.source() != null) o.put("source", e.source());
    if (e.subject() != null) o.put("subject", e.subject());
    if (e.time() != null) o.put("time", e.time().toString());
    o.put("received_at", e.receivedAt().toString());
    if (e.key() != null) o.put("key", e.key());
    o.set("data", e.data());
    if (e.extensions() != null && !e.extensions().isEmpty()) o.set("extensions", e.extensions());
    boolean processed = log.committed(DELIVERIES_GROUP, l.partition) > l.position;
    o.put("status", processed ? "processed" : "accepted");
    o.put("partition", l.partition);
    o.put("position", l.position);
    statusSource.describe(e, l.partition, l.position, o);
    return o;
  }
}
