package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The event index: event id → log position, and idempotency key → the event it produced. Written in
 * batches by the server's log indexer (consumer group {@code index}), read by event lookup and by
 * idempotency checks.
 *
 * <p>{@link #putAll} is idempotent per (partition, position): re-indexing records after a crash is
 * harmless. An idempotency key maps to the most recently put event that carried it.
 */
public interface EventIndexStore {

  /** Adds (or re-adds) index entries, all in one transaction. */
  void putAll(List<IndexedEvent> events);

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
   * Drops index entries of a partition below {@code position} (their records were deleted by log
   * retention).
   *
   * @return number of entries dropped
   */
  long pruneBelow(int partition, long position);
}
