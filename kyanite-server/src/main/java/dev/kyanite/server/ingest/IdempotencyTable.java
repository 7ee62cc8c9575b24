package dev.kyanite.server.ingest;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * This node's memory of idempotency keys: those whose request is in flight, and those appended but
 * not yet written to the event index by the indexer. Together with the index (everything the
 * indexer has committed) it knows every key ever acknowledged, so the check never misses one; the
 * index is consulted only for keys this table does not hold. Thread-safe and lock-free.
 *
 * <p>State per key: absent → {@link #claim} installs IN_FLIGHT → {@link #complete} (DONE) or
 * {@link #abandon} (absent again). DONE entries leave once the indexer reports their position
 * indexed ({@link #indexed}).
 */
final class IdempotencyTable {
  /** A key whose first request has not finished. */
  private record InFlight(String hash) {}

  /** A key whose event is durable in the log. */
  record Done(String key, String eventId, Instant receivedAt, String hash, int partition, long position) {}

  enum Kind { NEW, REPLAY, CONFLICT, IN_FLIGHT }

  /** The answer to a claim; {@code done} is set for {@link Kind#REPLAY}. */
  record Claim(Kind kind, Done done) {
    static final Claim NEW = new Claim(Kind.NEW, null);
    static final Claim CONFLICT = new Claim(Kind.CONFLICT, null);
    static final Claim IN_FLIGHT = new Claim(Kind.IN_FLIGHT, null);
  }

  private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Done>[] awaitingIndex;

  @SuppressWarnings("unchecked")
  IdempotencyTable(int partitions) {
    awaitingIndex = new ConcurrentLinkedQueue[partitions];
    for (int i = 0; i < partitions; i++) awaitingIndex[i] = new ConcurrentLinkedQueue<>();
  }

  /**
   * Claims a key for a request whose body hashes to {@code hash}. {@link Kind#NEW} means the caller
   * now owns the key (and must still ask the index, then {@link #complete} or {@link #abandon});
   * DONE entries received before {@code expiredBefore} no longer count.
   */
  Claim claim(String key, String hash, Instant expiredBefore) {
    InFlight mine = new InFlight(hash);
    while (true) {
      Object cur = entries.putIfAbsent(key, mine);
      if (cur == null) return Claim.NEW;
      if (cur instanceof InFlight) return Claim.IN_FLIGHT;
      Done d = (Done) cur;
      if (d.receivedAt().isBefore(expiredBefore)) {
        if (entries.replace(key, cur, mine)) return Claim.NEW;
        continue;
      }
      return d.hash().equals(hash) ? new Claim(Kind.REPLAY, d) : Claim.CONFLICT;
    }
  }

  /** The claimed key's event is durable. */
  void complete(Done done) {
    entries.put(done.key(), done);
    awaitingIndex[done.partition()].add(done);
  }

  /** The claimed key's request ended without appending (rejected, replayed from the index, failed). */
  void abandon(String key) {
    entries.computeIfPresent(key, (k, v) -> v instanceof InFlight ? null : v);
  }

  /** The indexer has written every record of the partition below {@code nextPosition} to the index. */
  void indexed(int partition, long nextPosition) {
    ConcurrentLinkedQueue<Done> q = awaitingIndex[partition];
    Done d;
    while ((d = q.peek()) != null && d.position() < nextPosition) {
      q.poll();
      entries.remove(d.key(), d);
    }
  }

  /** Keys held (in flight or awaiting the index); for tests and metrics. */
  int size() {
    return entries.size();
  }
}
