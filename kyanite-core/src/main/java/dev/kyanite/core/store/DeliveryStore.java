package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Delivery state per (event, endpoint): scheduled retries (durable, so they survive restarts), dead
 * letters, and delivered pairs. {@link #upsertAll} of a batch is one transaction.
 */
public interface DeliveryStore {

  /**
   * Inserts or replaces (by id) every delivery of the batch, atomically, except that a delivery in
   * status {@link DeliveryStatus#FILTERED} is only inserted when the pair has no record yet: a pair
   * that was attempted keeps its history when the event is processed again (after a crash, or by
   * a replay) under changed rules.
   */
  void upsertAll(List<Delivery> deliveries);

  Optional<Delivery> find(String id);

  /**
   * Scheduled deliveries ({@code pending}/{@code retrying}) due at or before {@code now}, earliest
   * first, leaving out those of the {@code excludedEndpoints} (endpoints that cannot take more now).
   */
  List<Delivery> due(Instant now, Set<String> excludedEndpoints, int limit);

  /** Every delivery of one event, any status. */
  List<Delivery> byEvent(String eventId);

  /**
   * Deliveries, newest first, optionally filtered.
   *
   * @param endpointId only this endpoint, or {@code null}
   * @param status only this status, or {@code null}
   * @param cursor the {@link DeliveryPage#nextCursor()} of the previous page, or {@code null}
   */
  DeliveryPage list(String endpointId, DeliveryStatus status, String cursor, int limit);

  /**
   * Ends every scheduled delivery ({@code pending}/{@code retrying}) of one endpoint: each becomes
   * {@code failed} with {@code lastError = reason}, no next attempt and {@code updatedAt = now};
   * attempts, payload and creation time stay. Called when the endpoint is deleted, so that its
   * dead letters show at once instead of when each retry would have fallen due.
   *
   * @return deliveries ended
   */
  long failScheduled(String endpointId, String reason, Instant now);

  /** Number of scheduled deliveries (the retry backlog). */
  long countScheduled();

  /**
   * Forgets finished deliveries ({@code delivered}, {@code failed}, {@code filtered}) created
   * before {@code cutoff}; scheduled ones ({@code pending}, {@code retrying}) are always kept.
   * May work in several short transactions (a crash in between leaves a consistent, partly pruned
   * store).
   *
   * @return deliveries forgotten
   */
  long pruneFinishedBefore(Instant cutoff);
}
