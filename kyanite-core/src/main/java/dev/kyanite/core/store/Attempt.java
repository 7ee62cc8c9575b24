package dev.kyanite.core.store;

import java.time.Instant;

/**
 * One delivery attempt in the ledger.
 *
 * @param id {@code att_…}
 * @param deliveryId the delivery (= {@code webhook-id})
 * @param eventId the event
 * @param endpointId the endpoint
 * @param attempt 1 for the first attempt
 * @param at when the request started
 * @param durationMs how long until the response or the error
 * @param status the HTTP status, or {@code null} when no response was received
 * @param error error class when no 2xx ({@code timeout}, {@code connection}, {@code tls},
 *     {@code dns}, {@code ssrf_refused}, {@code http}), or {@code null} on success
 * @param responseBody the response body cut at the configured limit, or {@code null}
 */
public record Attempt(
    String id,
    String deliveryId,
    String eventId,
    String endpointId,
    int attempt,
    Instant at,
    long durationMs,
    Integer status,
    String error,
    String responseBody) {}
