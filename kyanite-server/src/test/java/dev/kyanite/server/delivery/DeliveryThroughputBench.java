package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.store.sqlite.SqliteMetadataStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker → delivery path alone (no HTTP ingest): events appended to a log are delivered,
 * signed, to a loopback receiver answering 200 at once; prints events/s. SQLite metadata with the
 * success ledger on. Runs only with {@code -Dkyanite.long=true} (a benchmark, not a test).
 */
class DeliveryThroughputBench {
  @TempDir
  Path dir;

  @Test
  void deliversAppendedEventsToALoopbackReceiver() throws Exception {
    assumeTrue(Boolean.getBoolean("kyanite.long"), "benchmark: run with -Dkyanite.long=true");
    int n = Integer.getInteger("kyanite.bench.events", 200_000);
    Vertx vertx = Vertx.vertx();
    MemoryEventLog log = new MemoryEventLog(4);
    MetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.db"));
    DeliveryConfig cfg = DeliveryConfig.defaults().withAllowPrivateTargets(true);
    try (DeliveryHarness h = new DeliveryHarness(vertx, true, log, store, cfg, EventPipeline.identity())) {
      Receiver r = h.receiver();
      dev.kyanite.core.store.Endpoint ep = h.endpoint(r.url(), "*");
      int inFlight = Integer.getInteger("kyanite.bench.in-flight", 256);
      h.store.endpoints().update(new dev.kyanite.core.store.Endpoint(ep.id(), ep.url(), ep.eventTypes(), null, null, inFlight,
          5_000, null, true, null, ep.headers(), null, ep.secret(), null, null, null, ep.createdAt(), ep.updatedAt()));
      h.service.reloadEndpoints();
      List<List<byte[]>> batches = new ArrayList<>();
      for (int p = 0; p < 4; p++) batches.add(new ArrayList<>());
      for (int i = 0; i < n; i++) {
        Event e = DeliveryHarness.event("bench.event");
        batches.get(i % 4).add(EventCodec.encode(e));
      }
      long t0 = System.nanoTime();
      for (int p = 0; p < 4; p++) {
        List<byte[]> b = batches.get(p);
        for (int i = 0; i < b.size(); i += 1000) log.append(p, b.subList(i, Math.min(b.size(), i + 1000))).join();
      }
      while (r.received.size() < n && System.nanoTime() - t0 < 300_000_000_000L) Thread.sleep(50);
      double s = (System.nanoTime() - t0) / 1e9;
      DeliveryMetrics m = h.service.metrics();
      System.out.printf("delivery bench: %d events in %.2f s = %.0f events/s; ledger dropped %d; attempts %d, "
              + "mean attempt %.1f ms, parked %d%n", r.received.size(), s, r.received.size() / s, h.service.ledgerDropped(),
          m.attempts(), m.attemptMillis() / (double) Math.max(1, m.attempts()), m.parked());
      assertThat(r.received.size()).isGreaterThanOrEqualTo(n); // at least once: parked in-flight pairs may repeat
    }
  }
}
