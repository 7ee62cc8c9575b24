package dev.kyanite.server.delivery;

import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import java.time.Instant;

/**
 * One (event, endpoint) pair waiting for its next attempt. {@code live} tasks come straight from the
 * log (their position is committed only after {@code onSettled} ran); the others were loaded from
 * the store by the scheduler. {@code onSettled} runs exactly once, after the pair was delivered or
 * durably stored as scheduled / failed.
 */
final class DeliveryTask {
  final String msgId;
  final String eventId;
  final String eventType;
  final byte[] body;
  /** Number of this attempt, 1 for the first. */
  final int attempt;
  final Instant createdAt;
  final boolean live;
  private final Runnable onSettled;
  private final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
  /** Status and error of the previous attempt (scheduled tasks), else null. */
  Integer lastStatus;
  String lastError;
  long enqueuedNanos;
  long startedNanos;
  /** A live task whose in-flight attempt was parked in the store so its position could commit. */
  boolean parkedInFlight;

  DeliveryTask(String msgId, String eventId, String eventType, byte[] body, int attempt, Instant createdAt,
      boolean live, Runnable onSettled) {
    this.msgId = msgId;
    this.eventId = eventId;
    this.eventType = eventType;
    this.body = body;
    this.attempt = attempt;
    this.createdAt = createdAt;
    this.live = live;
    this.onSettled = onSettled;
  }

  /** Runs {@code onSettled} the first time only. */
  void settle() {
    if (settled.compareAndSet(false, true)) onSettled.run();
  }

  static DeliveryTask fromStore(Delivery d, Runnable onSettled) {
    DeliveryTask t = new DeliveryTask(d.id(), d.eventId(), d.eventType(), d.payload(), d.attempts() + 1, d.createdAt(),
        false, onSettled);
    t.lastStatus = d.lastStatus();
    t.lastError = d.lastError();
    return t;
  }

  /** The store row for this pair in {@code status}; the payload is kept unless delivered (manual retries need it). */
  /** The row that parks this task, unattempted this time, until {@code next}. */
  Delivery parked(String endpointId, Instant next, Instant now) {
    return row(endpointId, attempt == 1 ? DeliveryStatus.PENDING : DeliveryStatus.RETRYING, attempt - 1, next, lastStatus,
        lastError, now);
  }

  Delivery row(String endpointId, DeliveryStatus status, int attempts, Instant next, Integer lastStatus, String lastError,
      Instant now) {
    return new Delivery(msgId, eventId, endpointId, eventType, status, attempts, next, lastStatus, lastError,
        status == DeliveryStatus.DELIVERED ? null : body, createdAt, now);
  }
}
