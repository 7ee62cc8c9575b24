package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.ingest.EventStatusSource;
import java.util.List;

/**
 * Adds {@code deliveries: [{endpoint_id, status, attempts, next_attempt_at, …, attempts_log}]} to
 * {@code GET /v1/events/{id}}. A pair delivered at the first attempt appears once the batched ledger
 * wrote it (within about 100 ms), and only with {@code delivery.ledger.record-successes=true}; so
 * does a {@code filtered} pair.
 */
final class DeliveryStatusSource implements EventStatusSource {
  private final MetadataStore store;

  DeliveryStatusSource(MetadataStore store) {
    this.store = store;
  }

  @Override
  public void describe(Event event, int partition, long position, ObjectNode response) {
    List<Delivery> deliveries = store.deliveries().byEvent(event.id());
    List<Attempt> attempts = store.attempts().forEvent(event.id());
    ArrayNode arr = response.putArray("deliveries");
    for (Delivery d : deliveries) {
      ObjectNode o = DeliveryJson.delivery(d);
      o.set("attempts_log", DeliveryJson.attempts(attempts.stream().filter(a -> a.deliveryId().equals(d.id())).toList()));
      arr.add(o);
    }
  }
}
