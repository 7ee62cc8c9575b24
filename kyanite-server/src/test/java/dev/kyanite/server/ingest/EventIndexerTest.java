package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.server.CountingLog;
import dev.kyanite.server.schema.SchemaCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Indexing from ingest's {@link IndexHints} must leave the index exactly as reading the records
 * back does: the same entries, every record covered by a span of its receipt time, the same
 * idempotency keys; and records without a hint (appended by someone else) are read from the log.
 */
class EventIndexerTest {
  private static final Duration WINDOW = Duration.ofHours(24);
  private final CountingLog log = new CountingLog(new MemoryEventLog(2));
  private final MemoryMetadataStore hintedStore = new MemoryMetadataStore();
  private final IdempotencyTable table = new IdempotencyTable(2);
  private final IndexHints hints = new IndexHints(2);
  private final Ingestor ingestor = new Ingestor(log, new SchemaCatalog(hintedStore.schemas(), Clock.systemUTC()),
      hintedStore.eventIndex(), table, new KeyFilter(), IngestSettings.defaults(), Clock.systemUTC(), Runnable::run, hints);
  private final List<Item> appended = new ArrayList<>();

  private void submit(String headerKey, EventInput... inputs) {
    List<Item> items = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < inputs.length; i++) {
      items.add(ingestor.prepare(i, inputs[i], "k", headerKey == null ? null : headerKey + "." + i, null, now, 0));
    }
    ingestor.submit(items, false).join();
    for (Item it : items) {
      assertThat(it.accepted()).as("%s", it.rejection).isTrue();
      appended.add(it);
    }
  }

  private static EventInput event(String clientId, String dedupeId, String key) {
    return new EventInput("a.b", clientId, null, null, null, key, IntNode.valueOf(1), null, dedupeId,
        dedupeId == null ? null : "hash-" + dedupeId);
  }

  @Test
  void hintsIndexExactlyWhatTheRecordsSayAndGapsAreReadFromTheLog() {
    submit(null, event(null, null, null), event(null, null, null), event(null, null, null)); // server ids
    submit(null, event("order-1", "order-1", null), event("order-2", "order-2", "customer-7")); // client ids, deduplicated
    submit("hdr", event(null, null, null), event(null, null, "customer-7")); // Idempotency-Key header
    // a client id of the server's form but another millisecond, without de-duplication: needs an entry
    submit(null, event(EventIds.next(1_000), null, null));
    // someone else appends to partition 0: no hint for these records
    Instant outsideAt = Instant.now();
    List<byte[]> outside = List.of(
        EventCodec.encode(new Event("outside-1", "x.y", "other", null, null, outsideAt, null, IntNode.valueOf(2), null, null, null)),
        EventCodec.encode(new Event(EventIds.next(outsideAt.toEpochMilli()), "x.y", "other", null, null, outsideAt, null,
            IntNode.valueOf(3), null, null, null)));
    AppendResult gap = log.append(0, outside).join();
    for (int round = 0; round < 30; round++) {
      submit(round % 3 == 0 ? "later-" + round : null, event(null, null, null), event("c-" + round, "c-" + round, "k" + round));
    }
    long total = log.endPosition(0) + log.endPosition(1);
    assertThat(hints.queued(0) + hints.queued(1)).isGreaterThan(0);

    log.recordsRead = 0;
    EventIndexer hinted = new EventIndexer(log, hintedStore.eventIndex(), table, new KeyFilter(), Clock.systemUTC(), WINDOW, hints);
    hinted.catchUp();
    long readHinted = log.recordsRead;

    MemoryMetadataStore readStore = new MemoryMetadataStore();
    log.recordsRead = 0;
    EventIndexer reading = new EventIndexer(log, readStore.eventIndex(), new IdempotencyTable(2), new KeyFilter(),
        Clock.systemUTC(), WINDOW, null);
    reading.catchUp(); // it starts at the position the first committed, finds its store without them and rewinds
    assertThat(log.recordsRead).isGreaterThanOrEqualTo(total);

    // the hints did the work: only the gap, and what follows it up to where reading stopped, was read
    assertThat(readHinted).isGreaterThanOrEqualTo(outside.size()).isLessThanOrEqualTo(log.endPosition(0) - gap.firstPosition());
    for (int p = 0; p < 2; p++) assertThat(hinted.indexOnce(p)).isZero(); // the next round drops the stale hints
    assertThat(hints.queued(0) + hints.queued(1)).isZero();
    for (int p = 0; p < 2; p++) assertThat(hinted.position(p)).isEqualTo(log.endPosition(p));

    EventIndexStore a = hintedStore.eventIndex();
    EventIndexStore b = readStore.eventIndex();
    List<String> ids = new ArrayList<>(List.of("outside-1"));
    for (Item it : appended) ids.add(it.acceptedId);
    int entries = 0;
    for (String id : ids) {
      assertThat(a.findById(id)).as(id).isEqualTo(b.findById(id));
      entries += a.findById(id).size();
    }
    assertThat(entries).isGreaterThanOrEqualTo(3 + 30); // client ids and keyed events have entries
    for (Item it : appended) {
      if (it.idemKey != null) {
        assertThat(a.findByIdempotencyKey(it.idemKey)).as(it.idemKey).isPresent().isEqualTo(b.findByIdempotencyKey(it.idemKey));
      }
    }
    // every record is covered, in both, by a span of its receipt millisecond
    for (int p = 0; p < 2; p++) {
      for (LogRecord r : log.read(p, 0, 10_000, Duration.ZERO)) {
        long ms = LogHeader.read(r.payload()).receivedAt().toEpochMilli();
        int partition = p;
        assertThat(a.spansAt(ms)).as("hinted, %d/%d", p, r.position()).anyMatch(s -> s.covers(partition, r.position()));
        assertThat(b.spansAt(ms)).as("read, %d/%d", p, r.position()).anyMatch(s -> s.covers(partition, r.position()));
      }
    }
  }

  @Test
  void aHintThatDoesNotStartWhereIndexingIsIsNotUsed() {
    IndexHints h = new IndexHints(1);
    h.offer(0, new IndexHints.Hint(0, new long[] {1, 1}, List.of(), List.of()));
    h.offer(0, new IndexHints.Hint(2, new long[] {1}, List.of(), List.of()));
    h.offer(0, new IndexHints.Hint(5, new long[] {1}, List.of(), List.of()));
    assertThat(h.queued(0)).isEqualTo(4); // events, not hints
    assertThat(h.take(0, 1)).isNull(); // the first is stale (indexing is past its start): dropped
    assertThat(h.queued(0)).isEqualTo(2);
    assertThat(h.take(0, 2).first()).isEqualTo(2);
    assertThat(h.take(0, 3)).isNull(); // a gap: 3 and 4 must be read from the log
    assertThat(h.queued(0)).isEqualTo(1);
    assertThat(h.take(0, 5).first()).isEqualTo(5);
    // bounded by events: batches of 1,000 fill it after 65 hints, and the rest are dropped
    long first = 6;
    for (int i = 0; i < 100; i++, first += 1_000) h.offer(0, new IndexHints.Hint(first, new long[1_000], List.of(), List.of()));
    assertThat(h.queued(0)).isEqualTo(IndexHints.MAX_QUEUED_EVENTS / 1_000 * 1_000);
  }
}
