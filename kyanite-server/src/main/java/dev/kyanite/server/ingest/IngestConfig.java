package dev.kyanite.server.ingest;

import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The ingest feature's configuration keys (documented in docs/configuration.md). */
public final class IngestConfig {
  /** What to do with events of a type that has no registered schema. */
  public enum UnknownTypes { ACCEPT, REJECT }

  /** A body is read into one array, so its limit must stay well inside an array's. */
  private static final long MAX_BODY = 1L << 30;

  public static final ConfigKey<Integer> MAX_BATCH_EVENTS = ConfigKey.integer("ingest.max-batch-events", 1_000,
      "Most events in one batch request; more → 413 batch-too-large.").check(v -> v >= 1, "at least 1");
  public static final ConfigKey<Long> MAX_EVENT_BYTES = ConfigKey.bytes("ingest.max-event-bytes", 256L * 1024,
      "Largest single event (its JSON, or the body of a single-event request); more → 413 event-too-large. 1KiB to 1GiB.")
      .check(v -> v >= 1024 && v <= MAX_BODY, "between 1KiB and 1GiB");
  public static final ConfigKey<Long> MAX_REQUEST_BYTES = ConfigKey.bytes("ingest.max-request-bytes", 5L * 1024 * 1024,
      "Largest ingest request body (batches, NDJSON); more → 413 payload-too-large, refused while streaming. 1KiB to 1GiB.")
      .check(v -> v >= 1024 && v <= MAX_BODY, "between 1KiB and 1GiB");
  public static final ConfigKey<Duration> MAX_FUTURE_SKEW = ConfigKey.duration("ingest.max-future-skew", Duration.ofHours(24),
      "An event whose time is further ahead of the server clock than this → 422 time-in-future.");
  public static final ConfigKey<UnknownTypes> UNKNOWN_TYPES = ConfigKey.oneOf("ingest.unknown-types", UnknownTypes.class,
      UnknownTypes.ACCEPT, "Events of a type without a registered schema: accept, or reject with 422 schema-required.");
  public static final ConfigKey<Duration> IDEMPOTENCY_WINDOW = ConfigKey.duration("ingest.idempotency-window", Duration.ofHours(24),
      "How long an idempotency key (Idempotency-Key header, event id, CloudEvents source+id) is remembered.");
  public static final ConfigKey<Long> MAX_IN_FLIGHT_EVENTS = ConfigKey.longKey("ingest.max-in-flight-events", 100_000L,
      "Most events accepted but not yet durable; more → 503 overloaded with Retry-After.").check(v -> v >= 1, "at least 1");
  public static final ConfigKey<Long> MAX_IN_FLIGHT_BYTES = ConfigKey.bytes("ingest.max-in-flight-bytes", 64L * 1024 * 1024,
      "Most bytes of events accepted but not yet durable; more → 503 overloaded with Retry-After.")
      .check(v -> v >= 1024, "at least 1KiB");

  private IngestConfig() {}

  public static List<ConfigKey<?>> keys() {
    return List.of(MAX_BATCH_EVENTS, MAX_EVENT_BYTES, MAX_REQUEST_BYTES, MAX_FUTURE_SKEW, UNKNOWN_TYPES,
        IDEMPOTENCY_WINDOW, MAX_IN_FLIGHT_EVENTS, MAX_IN_FLIGHT_BYTES);
  }

  static IngestSettings settings(Config c) {
    return new IngestSettings(c.get(MAX_BATCH_EVENTS), c.get(MAX_EVENT_BYTES).intValue(), c.get(MAX_REQUEST_BYTES),
        c.get(MAX_FUTURE_SKEW), c.get(UNKNOWN_TYPES) == UnknownTypes.REJECT, c.get(IDEMPOTENCY_WINDOW),
        c.get(MAX_IN_FLIGHT_EVENTS), c.get(MAX_IN_FLIGHT_BYTES));
  }
}
