package dev.kyanite.core.store;

import java.time.Instant;

/**
 * The state of one (event, endpoint) pair. Its id is the {@code webhook-id} the receiver sees, so it
 * is stable across retries, restarts and replays.
 *
 * @param id {@code msg_…}, derived from the event id and the endpoint id
 * @param eventId the event delivered
 * @param endpointId the endpoint it goes to
 * @param eventType the event's type (for listing)
 * @param status where it stands
 * @param attempts attempts made so far
 * @param nextAttemptAt when the scheduler sends it next (scheduled states), else {@code null}
 * @param lastStatus HTTP status of the last attempt, or {@code null}
 * @param lastError error class of the last attempt ({@code timeout}, {@code connection}, …), or
 *     {@code null}
 * @param payload the exact webhook body to (re)send while scheduled; may be {@code null} once
 *     delivered or failed
 * @param createdAt first time the pair was recorded
 * @param updatedAt last change
 */
public record Delivery(
    String id,
    String eventId,
    String endpointId,
    String eventType,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Integer lastStatus,
    String lastError,
    byte[] payload,
    Instant createdAt,
    Instant updatedAt) {

  @Override
  public String toString() {
    return "Delivery[id=" + id + ", event=" + eventId + ", endpoint=" + endpointId + ", status=" + status
        + ", attempts=" + attempts + ", next=" + nextAttemptAt + "]";
  }
}
