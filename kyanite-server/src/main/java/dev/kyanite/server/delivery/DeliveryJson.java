package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.server.config.Durations;
import java.time.Duration;
import java.util.List;

/** JSON views of endpoints, deliveries and attempts. Secrets appear only where a caller asks for them. */
final class DeliveryJson {
  private DeliveryJson() {}

  /** The endpoint without its secret; {@code previous_secret_expires_at} only while the old secret still signs at {@code now}. */
  static ObjectNode endpoint(Endpoint e, EndpointChannel lane, java.time.Instant now) {
    ObjectNode o = EventCodec.mapper().createObjectNode();
    o.put("id", e.id());
    o.put("url", e.url());
    ArrayNode types = o.putArray("event_types");
    e.eventTypes().forEach(types::add);
    o.put("description", e.description());
    if (e.rateLimit() == null) o.putNull("rate_limit");
    else o.put("rate_limit", e.rateLimit());
    o.put("max_in_flight", e.maxInFlight());
    o.put("timeout_ms", e.timeoutMs());
    if (e.retrySchedule() == null) {
      o.putNull("retry_schedule");
    } else {
      ArrayNode s = o.putArray("retry_schedule");
      for (Duration d : e.retrySchedule()) s.add(Durations.format(d));
    }
    o.put("enabled", e.enabled());
    o.put("disabled_reason", e.disabledReason());
    ObjectNode h = o.putObject("headers");
    e.headers().forEach(h::put);
    o.put("filter", e.filter());
    o.put("failing_since", e.failingSince() == null ? null : e.failingSince().toString());
    if (e.signingSecrets(now).size() > 1) o.put("previous_secret_expires_at", e.previousSecretExpiresAt().toString());
    if (lane != null && e.enabled()) {
      o.put("circuit", lane.circuit().name().toLowerCase(java.util.Locale.ROOT));
      o.put("queued", lane.queued());
    }
    o.put("created_at", e.createdAt().toString());
    o.put("updated_at", e.updatedAt().toString());
    return o;
  }

  static ObjectNode delivery(Delivery d) {
    ObjectNode o = EventCodec.mapper().createObjectNode();
    o.put("id", d.id());
    o.put("event_id", d.eventId());
    o.put("endpoint_id", d.endpointId());
    o.put("event_type", d.eventType());
    o.put("status", d.status().wireName());
    o.put("attempts", d.attempts());
    o.put("next_attempt_at", d.nextAttemptAt() == null || !d.status().scheduled() ? null : d.nextAttemptAt().toString());
    if (d.lastStatus() == null) o.putNull("last_status");
    else o.put("last_status", d.lastStatus());
    o.put("last_error", d.lastError());
    o.put("created_at", d.createdAt().toString());
    o.put("updated_at", d.updatedAt().toString());
    return o;
  }

  static ArrayNode attempts(List<Attempt> attempts) {
    ArrayNode arr = EventCodec.mapper().createArrayNode();
    for (Attempt a : attempts) {
      ObjectNode o = arr.addObject();
      o.put("id", a.id());
      o.put("attempt", a.attempt());
      o.put("at", a.at().toString());
      o.put("duration_ms", a.durationMs());
      if (a.status() == null) o.putNull("status");
      else o.put("status", a.status());
      o.put("error", a.error());
      o.put("response_body", a.responseBody());
    }
    return arr;
  }
}
