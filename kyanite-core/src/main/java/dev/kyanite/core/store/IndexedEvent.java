package dev.kyanite.core.store;

import java.time.Instant;

/**
 * Where an event lives in the log, and the idempotency facts needed to recognise a client retry.
 *
 * @param id the event id ({@code evt_…} or the client's own)
 * @param partition log partition
 * @param position position in that partition
 * @param receivedAt when the server accepted it
 * @param idempotencyKey the de-duplication key the event was ingested under, or {@code null}
 * @param bodyHash hex SHA-256 of what the client sent for it, or {@code null} when it has no key
 */
public record IndexedEvent(String id, int partition, long position, Instant receivedAt, String idempotencyKey,
    String bodyHash) {}
