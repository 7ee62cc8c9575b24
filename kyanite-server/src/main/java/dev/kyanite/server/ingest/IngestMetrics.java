package dev.kyanite.server.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Ingest meters, registered once at mount (no per-request tags or lookups): events accepted,
 * replayed (idempotent repeats) and rejected, events and bytes waiting to become durable, and the
 * indexer's lag behind the log.
 */
final class IngestMetrics {
  private final Counter accepted;
  private final Counter replayed;
  private final Counter rejected;

  IngestMetrics(MeterRegistry r, InFlightLimiter limiter, EventIndexer indexer, dev.kyanite.core.log.EventLog log) {
    accepted = Counter.builder("kyanite.ingest.events").tag("outcome", "accepted")
        .description("events made durable and acknowledged").register(r);
    replayed = Counter.builder("kyanite.ingest.events").tag("outcome", "replayed")
        .description("repeats answered from idempotency, nothing appended").register(r);
    rejected = Counter.builder("kyanite.ingest.events").tag("outcome", "rejected")
        .description("events refused (4xx or 503)").register(r);
    Gauge.builder("kyanite.ingest.inflight.events", limiter, InFlightLimiter::events)
        .description("events accepted but not yet durable").register(r);
    Gauge.builder("kyanite.ingest.inflight.bytes", limiter, InFlightLimiter::bytes)
        .description("bytes of events accepted but not yet durable").register(r);
    Gauge.builder("kyanite.ingest.index.lag", indexer, ix -> {
      long lag = 0;
      for (int p = 0; p < log.partitions(); p++) lag += Math.max(0, log.endPosition(p) - ix.position(p));
      return lag;
    }).description("log records not yet in the event index").register(r);
  }

  void record(List<Item> items) {
    int a = 0, rp = 0, rj = 0;
    for (Item it : items) {
      if (it.replayed) rp++;
      else if (it.accepted()) a++;
      else rj++;
    }
    if (a > 0) accepted.increment(a);
    if (rp > 0) replayed.increment(rp);
    if (rj > 0) rejected.increment(rj);
  }

  void record(Item it) {
    if (it.replayed) replayed.increment();
    else if (it.accepted()) accepted.increment();
    else rejected.increment();
  }
}
