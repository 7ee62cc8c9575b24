package dev.kyanite.server.ingest;

import dev.kyanite.server.schema.FieldError;
import dev.kyanite.server.edge.Problem;
import java.util.List;

/**
 * Why one event (or a whole request) was not accepted: an HTTP status, a stable problem slug and
 * title, a detail and the field errors. Becomes a problem+json response for a single event, or one
 * entry of {@code rejected} in a batch response.
 */
record Rejection(int status, String slug, String title, String detail, List<FieldError> errors, String retryAfter) {

  Rejection(int status, String slug, String title, String detail, List<FieldError> errors) {
    this(status, slug, title, detail, errors, null);
  }

  static Rejection malformed(String detail) {
    return new Rejection(400, "malformed-json", "Malformed JSON", detail, List.of());
  }

  static Rejection invalidEnvelope(List<FieldError> errors) {
    return new Rejection(400, IngestProblems.INVALID_EVENT, "Invalid event envelope",
        errors.size() == 1 ? errors.get(0).message() : errors.size() + " problems in the event envelope", errors);
  }

  Problem toProblem() {
    Problem p = Problem.of(status, slug, title).detail(detail);
    if (!errors.isEmpty()) p = p.with("errors", FieldError.toMaps(errors));
    if (retryAfter != null) p = p.header("Retry-After", retryAfter);
    return p;
  }
}
