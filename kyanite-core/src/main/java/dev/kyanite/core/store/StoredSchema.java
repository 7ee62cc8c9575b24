package dev.kyanite.core.store;

import java.time.Instant;

/**
 * One registered version of the JSON Schema for an event type.
 *
 * @param type the event type it validates, e.g. {@code order.created}
 * @param version 1 for the first registration of the type, then +1 on every change
 * @param schema the JSON Schema document as sent (JSON text)
 * @param createdAt when this version was registered
 */
public record StoredSchema(String type, int version, String schema, Instant createdAt) {}
