package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;

/**
 * Adds processing and delivery details to {@code GET /v1/events/{id}}. The delivery feature
 * registers one (see {@link IngestFeature}) to report, per endpoint, {@code delivered} /
 * {@code retrying} / {@code failed} / {@code filtered} and the attempts.
 *
 * <p>Called on a worker thread (never the event loop), so it may read the MetadataStore. It must
 * not remove the members ingest wrote ({@code id}, {@code status}, …) except to refine
 * {@code status}; it typically adds {@code deliveries: [{endpoint_id, status, attempts: […]}]}.
 */
@FunctionalInterface
public interface EventStatusSource {

  /**
   * @param event the event as stored in the log
   * @param partition its log partition
   * @param position its position in the partition
   * @param response the response object, already holding the event and {@code status}
   */
  void describe(Event event, int partition, long position, ObjectNode response);

  EventStatusSource NONE = (event, partition, position, response) -> {};
}
