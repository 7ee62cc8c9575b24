package dev.kyanite.server.ingest;

import dev.kyanite.core.store.IndexedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What the {@link EventIndexer} needs of each acknowledged append, handed over by the {@link
 * Ingestor} when the append completes, so that the indexer need not read the records back and
 * parse their headers: that was two thirds of its CPU under batch load (docs/performance.md,
 * twelfth session). A hint is built from the very fields the records were encoded from.
 *
 * <p>Hints only save work; the log stays the truth. The indexer takes a hint only when it starts
 * exactly at the position it is to index next ({@link #take}), and otherwise reads the log: after
 * a restart, for records someone else appended, and for hints dropped because the indexer fell
 * {@link #MAX_QUEUED_EVENTS} behind. Hints of one partition are offered in position order (a partition's
 * acks complete in order); one that arrives out of order is merely stale, dropped, and its records
 * read from the log. Thread-safe: offered by the log's ack threads, taken by the indexer.
 */
final class IndexHints {
  /**
   * Events whose hints are held per partition; beyond it new hints are dropped (the indexer then
   * reads the log). Counted in events, not hints, since one hint covers a whole batch: while the
   * indexer is stuck (its store failing) the queue must stay small, at most ~8 bytes per event
   * plus the entries of keyed or client-id events. Hints only help an indexer that keeps up.
   */
  static final int MAX_QUEUED_EVENTS = 65_536;

  /**
   * One append: records {@code [first, first + millis.length)}, each one's receipt millisecond,
   * the index entries it needs (a key or a client-chosen id; the rest are found through spans) and
   * its idempotency keys.
   */
  record Hint(long first, long[] millis, List<IndexedEvent> entries, List<String> idempotencyKeys) {
    int count() {
      return millis.length;
    }

    long end() {
      return first + millis.length;
    }
  }

  private final List<ConcurrentLinkedQueue<Hint>> queues = new ArrayList<>();
  private final AtomicIntegerArray sizes;

  IndexHints(int partitions) {
    for (int p = 0; p < partitions; p++) queues.add(new ConcurrentLinkedQueue<>());
    sizes = new AtomicIntegerArray(partitions);
  }

  /**
   * The hint for the items of one successful append at {@code first}: exactly what the indexer
   * would read from their records ({@code EventIndexer#indexOnce}).
   */
  static Hint of(int partition, long first, List<Item> appended) {
    long[] millis = new long[appended.size()];
    List<IndexedEvent> entries = List.of();
    List<String> keys = List.of();
    for (int i = 0; i < millis.length; i++) {
      Item it = appended.get(i);
      long ms = it.receivedAt.toEpochMilli();
      millis[i] = ms;
      if (EventIndexer.needsEntry(it.eventId, ms, it.idemKey)) {
        if (entries.isEmpty()) entries = new ArrayList<>();
        entries.add(new IndexedEvent(it.eventId, partition, first + i, it.receivedAt, it.idemKey, it.hash));
      }
      if (it.idemKey != null) {
        if (keys.isEmpty()) keys = new ArrayList<>();
        keys.add(it.idemKey);
      }
    }
    return new Hint(first, millis, entries, keys);
  }

  /** Queues a hint of {@code partition}, or drops it when it would hold over {@link #MAX_QUEUED_EVENTS}. */
  void offer(int partition, Hint h) {
    if (sizes.addAndGet(partition, h.count()) > MAX_QUEUED_EVENTS) {
      sizes.addAndGet(partition, -h.count());
      return;
    }
    queues.get(partition).add(h);
  }

  /**
   * The hint that starts at {@code next}, or null if the oldest one queued starts later (or none
   * is). Hints that start before {@code next} are stale (the log was read past them) and dropped.
   */
  Hint take(int partition, long next) {
    ConcurrentLinkedQueue<Hint> q = queues.get(partition);
    for (Hint h = q.peek(); h != null; h = q.peek()) {
      if (h.first() > next) return null;
      q.poll();
      sizes.addAndGet(partition, -h.count());
      if (h.first() == next) return h;
    }
    return null;
  }

  /** Events whose hints are queued for {@code partition} (for tests). */
  int queued(int partition) {
    return sizes.get(partition);
  }
}
