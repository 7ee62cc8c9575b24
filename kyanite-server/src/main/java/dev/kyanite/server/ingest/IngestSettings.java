package dev.kyanite.server.ingest;

import java.time.Duration;

/** Resolved ingest settings (see {@link IngestConfig} for what each means). */
record IngestSettings(int maxBatchEvents, int maxEventBytes, long maxRequestBytes, Duration maxFutureSkew,
    boolean rejectUnknownTypes, Duration idempotencyWindow, long maxInFlightEvents, long maxInFlightBytes) {

  static IngestSettings defaults() {
    return new IngestSettings(1_000, 256 * 1024, 5L * 1024 * 1024, Duration.ofHours(24), false, Duration.ofHours(24),
        100_000, 64L * 1024 * 1024);
  }
}
