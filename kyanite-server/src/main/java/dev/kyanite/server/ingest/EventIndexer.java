package dev.kyanite.server.ingest;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.EventSpan;
import dev.kyanite.core.store.IndexedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log as consumer group {@value #GROUP} and indexes every event in the
 * {@link EventIndexStore} in batches: an event with a key or a client-chosen id gets an entry (id,
 * position, idempotency facts); every record is covered by an {@link EventSpan} (consecutive
 * positions received within at most a second), which is all an event with a server-assigned id
 * needs, since its id carries its receipt millisecond. The indexer stores the batch, committing
 * the group's position only after the batch is stored, and at most every {@link #COMMIT_EVERY} (a
 * commit replaces the offsets file: two fsyncs and a rename, which per batch cost more CPU than the
 * indexing itself). The committed position only bounds log retention and where a restart resumes;
 * a crash re-indexes what was stored after the last commit, which the store ignores. What it
 * needs of the records the ingest path usually hands over when their append completes ({@link
 * IndexHints}); it reads the records themselves only where no hint starts at its next position.
 *
 * <p>{@link #catchUp} runs before the server reports ready, so after a restart the index holds
 * every acknowledged event; while running, the not-yet-indexed tail is covered by the
 * {@link IdempotencyTable} and by {@link EventLookup}'s tail scan. It also forgets idempotency keys
 * older than the window and index entries whose records retention deleted. One daemon thread.
 */
final class EventIndexer implements AutoCloseable {
  static final String GROUP = "index";
  private static final Logger LOG = LoggerFactory.getLogger(EventIndexer.class);
  private static final int BATCH = 2_000;
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
  private static final long COMMIT_EVERY_NANOS = 1_000_000_000L;
  /** How often the group's position is committed to the log while running. */
  static final Duration COMMIT_EVERY = Duration.ofNanos(COMMIT_EVERY_NANOS);

  private final EventLog log;
  private final EventIndexStore store;
  private final IdempotencyTable table;
  private final KeyFilter keys;
  private final Clock clock;
  private final Duration window;
  private final AtomicLongArray next;
  private final IndexHints hints;
  /** Per partition: the position last committed to the log, and when (System.nanoTime). */
  private final long[] committed;
  private final long[] committedAt;
  private volatile boolean running;
  private Thread thread;
  private Instant lastPrune = Instant.MIN;

  /**
   * @param hints what ingest hands over of each append, so that its records need not be read back;
   *     null to read every record from the log
   */
  EventIndexer(EventLog log, EventIndexStore store, IdempotencyTable table, KeyFilter keys, Clock clock, Duration window,
      IndexHints hints) {
    this.hints = hints;
    this.keys = keys;
    this.log = log;
    this.store = store;
    this.table = table;
    this.clock = clock;
    this.window = window;
    this.next = new AtomicLongArray(log.partitions());
    this.committed = new long[log.partitions()];
    this.committedAt = new long[log.partitions()];
    for (int p = 0; p < log.partitions(); p++) {
      next.set(p, log.committed(GROUP, p));
      committed[p] = next.get(p);
    }
  }

  /**
   * Loads the known idempotency keys into the filter and indexes everything appended so far
   * (blocking); call before reporting ready.
   */
  void catchUp() {
    for (int p = 0; p < next.length(); p++) rewindToStore(p);
    store.forEachIdempotencyKey(clock.instant().minus(window), keys::add);
    for (int p = 0; p < next.length(); p++) {
      long end = log.endPosition(p);
      while (position(p) < end) {
        if (indexOnce(p) == 0) break;
      }
    }
    commitAll();
  }

  void start() {
    running = true;
    thread = new Thread(this::run, "kyanite-indexer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Next position of the partition not yet in the index. */
  long position(int partition) {
    return next.get(partition);
  }

  private void run() {
    long backoffMs = 0;
    while (running) {
      try {
        int n = 0;
        for (int p = 0; p < next.length() && running; p++) n += indexOnce(p);
        maybePrune();
        backoffMs = 0;
        if (n == 0) {
          // idle: a restart then resumes exactly here; but a burst has short idle gaps, and a
          // commit (two fsyncs and a rename) per gap cost more than indexing the burst
          for (int p = 0; p < next.length(); p++) commitIfDue(p);
          Thread.sleep(20);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) return;
        backoffMs = Math.min(5_000, Math.max(100, backoffMs * 2));
        LOG.warn("event indexer failed ({}); retrying in {} ms", e.toString(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Indexes one batch of the partition; returns how many records it covered. */
  synchronized int indexOnce(int p) {
    IndexHints.Hint hint = hints == null ? null : hints.take(p, next.get(p));
    if (hint != null) return indexHinted(p, hint);
    List<LogRecord> records = log.read(p, next.get(p), BATCH, Duration.ZERO);
    if (records.isEmpty()) return 0;
    List<IndexedEvent> batch = new ArrayList<>();
    Spans spans = new Spans(p);
    for (LogRecord r : records) {
      try {
        LogHeader h = LogHeader.read(r.payload());
        long ms = h.receivedAt().toEpochMilli();
        spans.add(r.position(), ms);
        if (needsEntry(h.id(), ms, h.idempotencyKey())) {
          batch.add(new IndexedEvent(h.id(), p, r.position(), h.receivedAt(), h.idempotencyKey(), h.bodyHash()));
        }
        if (h.idempotencyKey() != null) keys.add(h.idempotencyKey());
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping unreadable record at partition {} position {}: {}", p, r.position(), e.getMessage());
      }
    }
    storeBatch(p, batch, spans, records.get(records.size() - 1).position() + 1);
    return records.size();
  }

  /**
   * Whether an event needs its own index entry: one with an idempotency key, or whose id is not a
   * server id of its receipt millisecond. A server-assigned id is found through its span.
   */
  static boolean needsEntry(String id, long receivedMillis, String idempotencyKey) {
    return idempotencyKey != null || EventIds.millis(id) != receivedMillis;
  }

  /** Stores a batch's entries and spans, then moves the partition's position to {@code after}. */
  private void storeBatch(int p, List<IndexedEvent> batch, Spans spans, long after) {
    store.putAll(batch, spans.done());
    next.set(p, after);
    commitIfDue(p);
    table.indexed(p, after);
  }

  /**
   * Indexes from hints instead of the records: {@code first} and the hints that follow it without
   * a gap, up to {@link #BATCH} records. The same entries, spans and keys as {@link #indexOnce}'s
   * reading of those records.
   */
  private int indexHinted(int p, IndexHints.Hint first) {
    List<IndexedEvent> batch = new ArrayList<>();
    Spans spans = new Spans(p);
    int n = 0;
    long after = first.first();
    for (IndexHints.Hint h = first; h != null; h = n < BATCH ? hints.take(p, after) : null) {
      for (int i = 0; i < h.count(); i++) spans.add(h.first() + i, h.millis()[i]);
      batch.addAll(h.entries());
      for (String k : h.idempotencyKeys()) keys.add(k);
      n += h.count();
      after = h.end();
    }
    storeBatch(p, batch, spans, after);
    return n;
  }

  /** Commits the partition's position if its last commit is {@link #COMMIT_EVERY} old. */
  private void commitIfDue(int p) {
    if (System.nanoTime() - committedAt[p] >= COMMIT_EVERY_NANOS) commit(p);
  }

  private synchronized void commit(int p) {
    long at = next.get(p);
    if (at != committed[p]) log.commit(GROUP, p, at);
    committed[p] = at;
    committedAt[p] = System.nanoTime();
  }

  /** Commits every partition's indexed position (after catch-up, on close, and when idle). */
  synchronized void commitAll() {
    for (int p = 0; p < next.length(); p++) commit(p);
  }

  /**
   * The group's committed position lives in the log, the entries in the metadata store: if the
   * store lost its newest transactions (a torn SQLite WAL after a power cut), the committed
   * position is ahead of what the store holds and those events would never be indexed again.
   * Per partition the store holds a prefix of the committed batches, so a binary search over the
   * committed range finds the first missing entry; indexing restarts there (re-adding is harmless).
   */
  private void rewindToStore(int p) {
    long committed = next.get(p);
    long start = log.startPosition(p);
    if (committed <= start || indexed(p, committed - 1)) return;
    long lo = start;
    long hi = committed - 1; // known missing
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (indexed(p, mid)) lo = mid + 1;
      else hi = mid;
    }
    LOG.warn("event index of partition {} lacks positions {}..{} that its committed position covers (the metadata "
        + "store lost recent writes); re-indexing them", p, lo, committed - 1);
    next.set(p, lo);
  }

  private boolean indexed(int p, long position) {
    List<LogRecord> rs = log.read(p, position, 1, Duration.ZERO);
    if (rs.isEmpty() || rs.get(0).position() != position) return true; // retention took it: nothing to index
    String id;
    LogHeader h;
    try {
      h = LogHeader.read(rs.get(0).payload());
    } catch (IllegalArgumentException e) {
      return true; // unreadable records are skipped by indexing anyway
    }
    // every indexed record is covered by a span (entries and spans are stored in one transaction)
    return store.spansAt(h.receivedAt().toEpochMilli()).stream().anyMatch(s -> s.covers(p, position))
        || store.findById(h.id()).stream().anyMatch(e -> e.partition() == p && e.position() == position);
  }

  private void maybePrune() {
    Instant now = clock.instant();
    if (now.isBefore(lastPrune.plus(PRUNE_EVERY))) return;
    lastPrune = now;
    store.pruneIdempotencyKeys(now.minus(window));
    for (int p = 0; p < next.length(); p++) store.pruneBelow(p, log.startPosition(p));
  }

  /**
   * Cuts a batch's positions (increasing) into spans of at most {@link #SPAN_RECORDS} records and
   * {@link EventSpan#MAX_MILLIS} of receipt time, which bounds what a lookup scans.
   */
  static final class Spans {
    static final int SPAN_RECORDS = 1_024;
    private final int partition;
    private final List<EventSpan> done = new ArrayList<>(2);
    private long first = -1, last, min, max;
    private int count;

    Spans(int partition) {
      this.partition = partition;
    }

    void add(long position, long ms) {
      if (first >= 0 && count < SPAN_RECORDS && Math.max(max, ms) - Math.min(min, ms) <= EventSpan.MAX_MILLIS) {
        last = position;
        min = Math.min(min, ms);
        max = Math.max(max, ms);
        count++;
        return;
      }
      close();
      first = last = position;
      min = max = ms;
      count = 1;
    }

    private void close() {
      if (first >= 0) done.add(new EventSpan(partition, first, last, min, max));
      first = -1;
    }

    List<EventSpan> done() {
      close();
      return done;
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      // no interrupt: it would close the log's file channels under a read (ClosedByInterruptException)
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      commitAll();
    } catch (RuntimeException e) {
      LOG.warn("event indexer could not commit its position on close ({}); a restart re-indexes a little", e.toString());
    }
  }
}
