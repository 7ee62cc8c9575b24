package dev.kyanite.bench;

/** How events are packed into requests: one per request, a JSON batch, or NDJSON lines. */
public enum Mode {
  SINGLE("/v1/events", "application/json"),
  BATCH("/v1/events/batch", "application/json"),
  NDJSON("/v1/events/batch", "application/x-ndjson");

  final String path;
  final String contentType;

  Mode(String path, String contentType) {
    this.path = path;
    this.contentType = contentType;
  }
}
