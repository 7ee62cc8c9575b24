package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The event index: event id → log position, and idempotency key → the event it produced. Written in
 * batches by the server's log indexer (consumer group {@code index}), read by event lookup and by
 * idempotency checks.
 *
 * <p>Events come in two kinds. One with a key or a client-chosen id gets an entry of its own
 * ({@link IndexedEvent}). One with a server-assigned id, whose id carries the millisecond it was
 * received, is only covered by an {@link EventSpan}: the lookup finds the spans containing that
 * millisecond ({@link #spansAt}) and scans their records. A row per event was most of the cost of
 * indexing.
 *
 * <p>{@link #putAll} is idempotent per (partition, position) and per span start: re-indexing
 * records after a crash is harmless (overlapping spans are allowed). An idempotency key maps to the
 * most recently put event that carried it.
 */
public interface EventIndexStore {

  /** Adds (or re-adds) index entries, all in one transaction. */
  default void putAll(List<IndexedEvent> events) {
    putAll(events, List.of());
  }

  /** Adds (or re-adds) index entries and spans, all in one transaction. */
  void putAll(List<IndexedEvent> events, List<EventSpan> spans);

  /** Every span whose receipt-time range contains {@code epochMillis}, in no particular order. */
  List<EventSpan> spansAt(long epochMillis);

  /** Every indexed event with this id (ids are unique per source, so usually zero or one), oldest first. */
  List<IndexedEvent> findById(String id);

  /** The event last ingested under this idempotency key, if it is still remembered. */
  Optional<IndexedEvent> findByIdempotencyKey(String key);

  /** Calls {@code action} with every remembered idempotency key of an event received at or after {@code since}. */
  void forEachIdempotencyKey(Instant since, java.util.function.Consumer<String> action);

  /**
   * Forgets idempotency keys of events received before {@code cutoff} (the event index itself is
   * kept).
   *
   * @return number of keys forgotten
   */
  long pruneIdempotencyKeys(Instant cutoff);

  /**
   * Drops index entries of a partition below {@code position}, and spans that end below it (their
   * records were deleted by log retention).
   *
   * @return number of entries and spans dropped
   */
  long pruneBelow(int partition, long position);
}
