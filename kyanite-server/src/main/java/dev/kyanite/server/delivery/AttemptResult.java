package dev.kyanite.server.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What one HTTP attempt produced.
 *
 * @param outcome status or error class
 * @param retryAfter the receiver's parsed {@code Retry-After}, or {@code null}
 * @param startedAt when the attempt started
 * @param durationMs time to the response (or the error)
 * @param responseBody response body cut at the configured limit, or {@code null}
 * @param detail error message for logs (never contains secrets), or {@code null}
 */
record AttemptResult(AttemptOutcome outcome, Duration retryAfter, Instant startedAt, long durationMs,
    String responseBody, String detail) {}
