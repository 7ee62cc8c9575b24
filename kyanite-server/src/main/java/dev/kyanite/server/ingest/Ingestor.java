package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.IndexedEvent;
import dev.kyanite.server.schema.SchemaCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The ingest pipeline after decoding: schema policy and validation, clock-skew check, id
 * assignment, idempotency, backpressure, and the durable append (one {@link EventLog#append} per
 * partition per request, so a request's events in one partition are atomic).
 *
 * <p>{@link #prepare} is CPU only and runs on the event loop. {@link #submit} never blocks its
 * caller: index lookups for idempotency keys unknown to this node run on {@code blocking}, appends
 * complete on the log's thread, and the returned future completes when every item has an outcome.
 */
final class Ingestor {
  static final String SEP = "\u001f";

  private final EventLog log;
  private final SchemaCatalog schemas;
  private final EventIndexStore index;
  private final IdempotencyTable table;
  private final KeyFilter keys;
  private final InFlightLimiter limiter;
  private final Partitioner partitioner;
  private final IngestSettings settings;
  private final Clock clock;
  private final Executor blocking;
  /** Where each successful append is described for the indexer; null when nothing indexes. */
  private final IndexHints hints;
  private volatile String durability = "fsync";

  Ingestor(EventLog log, SchemaCatalog schemas, EventIndexStore index, IdempotencyTable table, KeyFilter keys,
      IngestSettings settings, Clock clock, Executor blocking, IndexHints hints) {
    this.hints = hints;
    this.keys = keys;
    this.log = log;
    this.schemas = schemas;
    this.index = index;
    this.table = table;
    this.limiter = new InFlightLimiter(settings.maxInFlightEvents(), settings.maxInFlightBytes());
    this.partitioner = new Partitioner(log.partitions());
    this.settings = settings;
    this.clock = clock;
    this.blocking = blocking;
  }

  InFlightLimiter limiter() {
    return limiter;
  }

  IngestSettings settings() {
    return settings;
  }

  Clock clock() {
    return clock;
  }

  /** The durability level appends reach (as last reported by the log), for acks and replays. */
  String durability() {
    return durability;
  }

  /**
   * Checks an event and encodes it for the log.
   *
   * @param keyName the API key's name: the source of native events and the scope of their keys
   * @param headerKey the request's {@code Idempotency-Key} (suffixed per index in a batch), or null
   * @param traceparent the request's W3C {@code traceparent}, or null
   * @param keylessPartition the partition of the request's events without a {@code key} ({@link
   *     #keylessPartition()}, taken once per request: a batch is one append to one partition)
   */
  Item prepare(int index, EventInput in, String keyName, String headerKey, String traceparent, Instant now,
      int keylessPartition) {
    Item item = new Item(index);
    SchemaCatalog.Check check = schemas.check(in.type(), in::dataTree, "/data");
    if (check == null && settings.rejectUnknownTypes()) {
      item.rejection = IngestProblems.schemaRequired(in.type());
      return item;
    }
    if (check != null && !check.valid()) {
      item.rejection = IngestProblems.schemaViolation(in.type(), check.version(), check.errors());
      return item;
    }
    if (in.time() != null && in.time().isAfter(now.plus(settings.maxFutureSkew()))) {
      item.rejection = IngestProblems.timeInFuture(settings.maxFutureSkew().toSeconds());
      return item;
    }
    String id = in.clientId() != null ? in.clientId() : EventIds.next(now.toEpochMilli());
    String source = in.source() != null ? in.source() : keyName;
    if (headerKey != null) {
      item.idemKey = "hdr" + SEP + keyName + SEP + headerKey;
    } else if (in.dedupeId() != null) {
      item.idemKey = in.source() != null ? "ce" + SEP + in.source() + SEP + in.dedupeId() : "id" + SEP + keyName + SEP + in.dedupeId();
    }
    item.hash = item.idemKey == null ? null : in.bodyHash();
    ObjectNode ext = in.extensions();
    if (traceparent != null && (ext == null || !ext.has("traceparent"))) {
      if (ext == null) ext = EventCodec.mapper().createObjectNode();
      ext.put("traceparent", traceparent);
    }
    item.eventId = id;
    item.receivedAt = now;
    if (in.clientId() != null) item.idSource = source;
    // passed-through data goes to the log as the client's bytes, so the event's own data is unused
    Event event = new Event(id, in.type(), source, in.subject(), in.time(), now, in.key(),
        in.raw() != null ? NullNode.getInstance() : in.data(), ext, item.idemKey, item.hash);
    item.record = in.raw() != null ? EventCodec.encode(event, in.raw().bytes(), in.raw().off(), in.raw().len())
        : EventCodec.encode(event);
    // not partitioner.forKey(null): that advances the sticky round robin once per event, and a
    // batch of 100 then moved it 100 appends on, spreading concurrent batches over every partition
    item.partition = in.key() == null ? keylessPartition : partitioner.forKey(in.key());
    return item;
  }

  /**
   * The partition for one request's events that have no key (all in one, so a batch is one append);
   * advances the sticky round robin by one append.
   */
  int keylessPartition() {
    return partitioner.roundRobin();
  }

  /** Applies idempotency and appends the pending items; completes when every item has an outcome. */
  CompletableFuture<Void> submit(List<Item> items, boolean atomic) {
    Instant now = clock.instant();
    Instant expiredBefore = now.minus(settings.idempotencyWindow());
    List<Item> unknown = null;
    for (Item it : items) {
      if (!it.pending() || it.idemKey == null) continue;
      IdempotencyTable.Claim c = table.claim(it.idemKey, it.hash, expiredBefore);
      switch (c.kind()) {
        case NEW -> {
          it.claimed = true;
          if (keys.mightContain(it.idemKey)) { // otherwise certainly new: no index lookup
            if (unknown == null) unknown = new ArrayList<>();
            unknown.add(it);
          }
        }
        case REPLAY -> replay(it, c.done().eventId(), c.done().receivedAt());
        case CONFLICT -> it.rejection = IngestProblems.keyReused();
        case IN_FLIGHT -> it.rejection = IngestProblems.inFlight();
      }
    }
    if (unknown == null) return append(items, atomic);
    List<Item> toLookUp = unknown;
    return CompletableFuture.runAsync(() -> lookUp(toLookUp, expiredBefore), blocking)
        .thenCompose(v -> append(items, atomic));
  }

  /** Asks the index about keys this node does not hold (before its last restart, or already indexed). */
  private void lookUp(List<Item> items, Instant expiredBefore) {
    for (Item it : items) {
      Optional<IndexedEvent> found;
      try {
        found = index.findByIdempotencyKey(it.idemKey);
      } catch (RuntimeException e) {
        release(it);
        it.rejection = IngestProblems.storeUnavailable();
        continue;
      }
      if (found.isEmpty() || found.get().receivedAt().isBefore(expiredBefore)) continue;
      IndexedEvent e = found.get();
      release(it);
      if (it.hash.equals(e.bodyHash())) {
        replay(it, e.id(), e.receivedAt());
      } else {
        it.rejection = IngestProblems.keyReused();
      }
    }
  }

  private CompletableFuture<Void> append(List<Item> items, boolean atomic) {
    List<Item> pending = new ArrayList<>(items.size());
    boolean anyRejected = false;
    long bytes = 0;
    for (Item it : items) {
      if (it.rejection != null) anyRejected = true;
      if (it.pending()) {
        pending.add(it);
        bytes += it.record.length;
      }
    }
    if (atomic && anyRejected) {
      for (Item it : pending) release(it);
      return CompletableFuture.completedFuture(null);
    }
    if (pending.isEmpty()) return CompletableFuture.completedFuture(null);
    if (!limiter.tryAcquire(pending.size(), bytes)) {
      for (Item it : pending) fail(it, IngestProblems.overloaded());
      return CompletableFuture.completedFuture(null);
    }
    if (pending.size() == 1) return appendGroup(pending.get(0).partition, pending);
    // one append per partition, items in request order within each
    List<List<Item>> groups = new ArrayList<>();
    for (int p = 0; p < log.partitions(); p++) groups.add(null);
    for (Item it : pending) {
      List<Item> g = groups.get(it.partition);
      if (g == null) groups.set(it.partition, g = new ArrayList<>());
      g.add(it);
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int p = 0; p < groups.size(); p++) {
      if (groups.get(p) != null) futures.add(appendGroup(p, groups.get(p)));
    }
    return futures.size() == 1 ? futures.get(0) : CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> appendGroup(int partition, List<Item> group) {
    List<byte[]> records = new ArrayList<>(group.size());
    long bytes = 0;
    for (Item it : group) {
      records.add(it.record);
      bytes += it.record.length;
    }
    long groupBytes = bytes;
    CompletableFuture<AppendResult> f;
    try {
      f = log.append(partition, records);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, err) -> {
      limiter.release(group.size(), groupBytes);
      if (err == null) {
        durability = r.durability().wireName();
        for (int i = 0; i < group.size(); i++) {
          Item it = group.get(i);
          it.acceptedId = it.eventId;
          it.acceptedAt = it.receivedAt;
          if (it.claimed) {
            keys.add(it.idemKey);
            table.complete(new IdempotencyTable.Done(it.idemKey, it.acceptedId, it.acceptedAt, it.hash, partition,
                r.firstPosition() + i));
          }
          it.record = null;
        }
        // a hint says the group's records are at firstPosition + i, which AppendResult promises
        // for its count: a log that answered otherwise is left to the indexer's reading
        if (hints != null && r.count() == group.size()) hints.offer(partition, IndexHints.of(partition, r.firstPosition(), group));
      } else {
        Rejection rej = toRejection(err);
        for (Item it : group) fail(it, rej);
      }
      return null;
    });
  }

  static Rejection toRejection(Throwable err) {
    if (err instanceof CompletionException && err.getCause() != null) err = err.getCause();
    if (err instanceof LogException le) {
      return switch (le.reason()) {
        case FULL -> IngestProblems.logFull(le.getMessage());
        case TOO_LARGE -> IngestProblems.eventTooLarge(-1);
        default -> IngestProblems.logUnavailable(le.reason().name().toLowerCase(java.util.Locale.ROOT));
      };
    }
    return IngestProblems.logUnavailable("unexpected append failure");
  }

  private void fail(Item it, Rejection r) {
    it.rejection = r;
    release(it);
  }

  private void release(Item it) {
    if (it.claimed) {
      table.abandon(it.idemKey);
      it.claimed = false;
    }
  }

  private void replay(Item it, String id, Instant at) {
    it.acceptedId = id;
    it.acceptedAt = at;
    it.replayed = true;
  }
}
