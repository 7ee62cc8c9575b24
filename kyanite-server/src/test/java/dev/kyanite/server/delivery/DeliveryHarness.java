package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.worker.DeliveryWorkers;
import dev.kyanite.server.worker.WorkerConfig;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real delivery path for tests: a log (memory by default), a metadata store, the delivery
 * service and the partition workers, with events appended to the log exactly as ingest writes them.
 */
final class DeliveryHarness implements AutoCloseable {
  static final AtomicInteger SEQ = new AtomicInteger();
  final Vertx vertx;
  final EventLog log;
  final MetadataStore store;
  final DeliveryService service;
  final DeliveryWorkers workers;
  private final List<Receiver> receivers = new ArrayList<>();
  private final boolean ownsVertx;

  DeliveryHarness(DeliveryConfig cfg) throws Exception {
    this(Vertx.vertx(), true, new MemoryEventLog(2), new MemoryMetadataStore(), cfg, EventPipeline.identity());
  }

  DeliveryHarness(Vertx vertx, boolean ownsVertx, EventLog log, MetadataStore store, DeliveryConfig cfg, EventPipeline pipeline) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.log = log;
    this.store = store;
    this.service = new DeliveryService(vertx, store, cfg, Clock.systemUTC(), EndpointFilter.acceptAll());
    service.start();
    this.workers = new DeliveryWorkers(log, pipeline, service, WorkerConfig.defaults().withCommitInterval(Duration.ofMillis(20)));
    workers.start();
  }

  /** Test defaults: private targets allowed, short retries (200 ms, 200 ms), no overload minimum. */
  static DeliveryConfig testConfig() {
    return DeliveryConfig.defaults().withAllowPrivateTargets(true)
        .withRetry(new RetryPolicy(List.of(Duration.ofMillis(200), Duration.ofMillis(200)), 0.0, Duration.ZERO));
  }

  Receiver receiver() throws Exception {
    Receiver r = new Receiver(vertx);
    receivers.add(r);
    return r;
  }

  Endpoint endpoint(String url, String... types) {
    return endpoint(url, null, types);
  }

  Endpoint endpoint(String url, List<Duration> schedule, String... types) {
    Instant now = Instant.now();
    Endpoint e = new Endpoint(Ids.endpoint(), url, List.of(types), null, null, 16, 5_000, schedule, true, null, Map.of(),
        null, WebhookSigner.newSecret(new SecureRandom()), null, null, null, now, now);
    store.endpoints().create(e);
    service.reloadEndpoints();
    return e;
  }

  static Event event(String type) {
    int n = SEQ.incrementAndGet();
    return new Event("evt_t" + n + "_" + System.nanoTime(), type, "test", "sub/" + n, null, Instant.now(), null,
        JsonNodeFactory.instance.objectNode().put("n", n), null, null, null);
  }

  Event append(String type) {
    Event e = event(type);
    append(e);
    return e;
  }

  void append(Event e) {
    log.append(Math.abs(e.id().hashCode() % log.partitions()), EventCodec.encode(e)).join();
  }

  long lag() {
    long sum = 0;
    for (long l : workers.lag()) sum += l;
    return sum;
  }

  /** Stops workers and delivery only (a process stop), leaving log, store and receivers. */
  void stopEngine() {
    workers.close();
    service.close();
  }

  @Override
  public void close() throws Exception {
    stopEngine();
    for (Receiver r : receivers) r.close();
    if (ownsVertx) vertx.close().toCompletionStage().toCompletableFuture().join();
    log.close();
    store.close();
  }
}
