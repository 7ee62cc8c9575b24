package dev.kyanite.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * An accepted event as stored in the log and handed to workers, rules and delivery.
 *
 * @param id {@code evt_…} assigned by the server, or the client's own id
 * @param type dotted event type, e.g. {@code order.created}
 * @param source who sent it: the API key's name, or the CloudEvents {@code source}
 * @param subject optional subject ({@code null} when absent)
 * @param time when it happened according to the client ({@code null} when not given)
 * @param receivedAt when the server accepted it
 * @param key optional partition/order key ({@code null} when absent)
 * @param data the payload, any JSON value (never {@code null}: JSON null is {@code NullNode})
 * @param extensions CloudEvents extension attributes and {@code traceparent}, or {@code null}
 * @param idempotencyKey the de-duplication key used at ingest ({@code null} when none)
 * @param bodyHash hex SHA-256 of the request body or event that produced this event (for
 *     idempotency conflict detection), or {@code null}
 */
public record Event(
    String id,
    String type,
    String source,
    String subject,
    Instant time,
    Instant receivedAt,
    String key,
    JsonNode data,
    ObjectNode extensions,
    String idempotencyKey,
    String bodyHash) {

  /** A copy with other data (transforms). */
  public Event withData(JsonNode newData) {
    return new Event(id, type, source, subject, time, receivedAt, key, newData, extensions, idempotencyKey, bodyHash);
  }
}
