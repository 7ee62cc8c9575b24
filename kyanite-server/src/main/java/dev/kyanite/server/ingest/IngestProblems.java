package dev.kyanite.server.ingest;

import dev.kyanite.server.schema.FieldError;
import java.util.List;

/**
 * The problem types of the ingest API (slugs under {@code https://kyanite.dev/problems/}); each is
 * documented in docs/api.md. Shared edge types (malformed-json, payload-too-large,
 * unsupported-media-type, unauthorized, forbidden, rate-limited) come from the edge.
 */
final class IngestProblems {
  static final String INVALID_EVENT = "invalid-event";
  static final String INVALID_BATCH = "invalid-batch";
  static final String INVALID_CLOUDEVENT = "invalid-cloudevent";
  static final String SCHEMA_VIOLATION = "schema-violation";
  static final String SCHEMA_REQUIRED = "schema-required";
  static final String TIME_IN_FUTURE = "time-in-future";
  static final String IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused";
  static final String IDEMPOTENCY_IN_FLIGHT = "idempotency-in-flight";
  static final String EVENT_TOO_LARGE = "event-too-large";
  static final String BATCH_TOO_LARGE = "batch-too-large";
  static final String OVERLOADED = "overloaded";
  static final String LOG_FULL = "log-full";
  static final String LOG_UNAVAILABLE = "log-unavailable";
  static final String STORE_UNAVAILABLE = "store-unavailable";

  private IngestProblems() {}

  static Rejection eventTooLarge(long limit) {
    return new Rejection(413, EVENT_TOO_LARGE, "Event too large",
        limit < 0 ? "the event is larger than the event log accepts" : "the event exceeds ingest.max-event-bytes = " + limit + " bytes",
        List.of(new FieldError("", "maxBytes", "larger than " + limit + " bytes")));
  }

  static Rejection batchTooLarge(int limit) {
    return new Rejection(413, BATCH_TOO_LARGE, "Too many events in the batch",
        "the batch has more than ingest.max-batch-events = " + limit + " events", List.of());
  }

  static Rejection schemaRequired(String type) {
    return new Rejection(422, SCHEMA_REQUIRED, "No schema registered for the event type",
        "ingest.unknown-types = reject and no schema is registered for type '" + type + "'",
        List.of(new FieldError("/type", "schema", "no schema registered for '" + type + "'")));
  }

  static Rejection schemaViolation(String type, int version, List<FieldError> errors) {
    return new Rejection(422, SCHEMA_VIOLATION, "Event data violates its schema",
        errors.size() + " violation(s) of the schema of '" + type + "' (version " + version + ")", errors);
  }

  static Rejection timeInFuture(long maxSkewSeconds) {
    return new Rejection(422, TIME_IN_FUTURE, "Event time too far in the future",
        "time is more than " + maxSkewSeconds + " s ahead of the server clock (ingest.max-future-skew)",
        List.of(new FieldError("/time", "maxSkew", "more than " + maxSkewSeconds + " s in the future")));
  }

  static Rejection keyReused() {
    return new Rejection(422, IDEMPOTENCY_KEY_REUSED, "Idempotency key reused with a different body",
        "this idempotency key was already used for a different request body within the idempotency window", List.of());
  }

  static Rejection inFlight() {
    return new Rejection(409, IDEMPOTENCY_IN_FLIGHT, "Request with this idempotency key in progress",
        "a request with the same idempotency key is still being processed; retry when it has completed", List.of(),
        "1");
  }

  static Rejection overloaded() {
    return new Rejection(503, OVERLOADED, "Ingest over capacity",
        "too many events are waiting to become durable; retry shortly", List.of(), "1");
  }

  static Rejection logFull(String detail) {
    return new Rejection(503, LOG_FULL, "Event log full",
        "the event log cannot take more data now (" + detail + "); retry later", List.of(), "5");
  }

  static Rejection storeUnavailable() {
    return new Rejection(503, STORE_UNAVAILABLE, "Metadata store unavailable",
        "the idempotency index cannot be read now; retry shortly", List.of(), "2");
  }

  static Rejection logUnavailable(String detail) {
    return new Rejection(503, LOG_UNAVAILABLE, "Event log unavailable",
        "the event log cannot accept appends now (" + detail + ")", List.of(), "2");
  }
}
