package dev.kyanite.server.delivery;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.edge.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook delivery engine: endpoint lanes, the retry scheduler and the store writer behind one
 * facade. Workers call {@link #route} then {@link #submit} for every event they read; the admin API
 * calls {@link #reloadEndpoints()} after changing an endpoint and {@link #retry} for manual retries.
 *
 * <p>Guarantee towards the workers: the {@code onSettled} callback of a pair runs only once the
 * pair was delivered (a {@code 2xx}) or durably written to the store as retrying, parked or failed.
 * Thread-safe.
 */
public final class DeliveryService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

  private final MetadataStore store;
  private final DeliveryConfig cfg;
  private final Clock clock;
  private final EndpointFilter filter;
  private final HttpClientAgent client;
  private final StoreWriter writer;
  private final EndpointRegistry registry;
  private final RetryScheduler scheduler;
  private final DeliveryMetrics metrics = new DeliveryMetrics();
  private final ExecutorService admin = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "kyanite-delivery-admin");
    t.setDaemon(true);
    return t;
  });
  private final Vertx vertx;
  private long spillTimer = -1;
  private long reloadTimer = -1;

  public DeliveryService(Vertx vertx, MetadataStore store, DeliveryConfig cfg, Clock clock, EndpointFilter filter) {
    this.vertx = vertx;
    this.store = store;
    this.cfg = cfg;
    this.clock = clock;
    this.filter = filter;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setForceSni(true)
            .setMaxRedirects(0).setDecompressionSupported(false))
        .with(new PoolOptions().setHttp1MaxSize(1024).setMaxWaitQueueSize(-1))
        .build();
    this.writer = new StoreWriter(store, 100_000);
    TargetResolver resolver = new TargetResolver(vertx, cfg.ssrfGuard(), 30_000);
    HttpSender sender = new HttpSender(vertx, client, resolver, clock, cfg.responseBodyLimit(), cfg.userAgent());
    EndpointChannel.Owner owner = new EndpointChannel.Owner() {
      @Override
      public void disable(String endpointId, String reason) {
        runAdmin(() -> disableEndpoint(endpointId, reason));
      }

      @Override
      public boolean othersEnabled() {
        return registry.enabledCount() > 1;
      }

      @Override
      public void failingSince(String endpointId, Instant since) {
        runAdmin(() -> store.endpoints().find(endpointId)
            .ifPresent(e -> store.endpoints().update(e.withFailingSince(since))));
      }
    };
    this.registry = new EndpointRegistry(store.endpoints(),
        e -> new EndpointChannel(e, vertx, sender, writer, cfg, clock, owner, metrics));
    this.scheduler = new RetryScheduler(store.deliveries(), registry, writer, clock, metrics, cfg.schedulerInterval().toMillis());
  }

  /** Loads the endpoints and starts the scheduler. Blocking: call from a worker thread. */
  public void start() {
    registry.reload();
    scheduler.start();
    spillTimer = vertx.setPeriodic(1_000, id -> registry.all().forEach(EndpointChannel::spillStale));
    // picks up endpoint changes made by other nodes or directly in the store
    reloadTimer = vertx.setPeriodic(5_000, id -> runAdmin(this::reloadQuietly));
  }

  /** Re-reads endpoints after a change (blocking). */
  public void reloadEndpoints() {
    registry.reload();
  }

  /** An executor for blocking delivery-side store work (endpoint updates), off the event loop. */
  public Executor adminExecutor() {
    return admin;
  }

  /**
   * Whether no event can go anywhere now (no endpoint is enabled): workers then skip decoding. May
   * change at any moment; an endpoint enabled later gets the events processed after its reload.
   */
  public boolean idle() {
    return !registry.anyEnabled();
  }

  /**
   * The lanes a pipeline result goes to: enabled endpoints whose type globs match, restricted to
   * {@code routeTo} when the rules set it, and whose filter (if any) passes. Empty when dropped.
   * Every matching endpoint that the rules or its filter left out gets a {@code filtered} record
   * (through the batched ledger, like successes, and only with {@code delivery.ledger.record-successes}).
   */
  public List<Lane> route(PipelineResult result) {
    boolean deadLetter = result.deadLettered();
    Event e = result.event();
    List<EndpointChannel> candidates = registry.matching(e.type());
    if (candidates.isEmpty()) return List.of();
    if (result.dropped() && !deadLetter) {
      for (EndpointChannel c : candidates) filtered(e, c.endpoint(), "dropped by rule " + result.droppedBy());
      return List.of();
    }
    List<Lane> lanes = new ArrayList<>(candidates.size());
    for (EndpointChannel c : candidates) {
      Endpoint ep = c.endpoint();
      if (deadLetter) {
        lanes.add(new Lane(c, result.deadLetter())); // recorded as failed for every endpoint it would have reached
        continue;
      }
      if (result.routeTo() != null && !result.routeTo().contains(ep.id())) {
        filtered(e, ep, "not in the endpoints a rule routed the event to");
        continue;
      }
      if (ep.filter() != null && !filter.matches(ep, e)) {
        filtered(e, ep, "the endpoint's filter is false");
        continue;
      }
      lanes.add(new Lane(c, null));
    }
    return lanes;
  }

  private void filtered(Event e, Endpoint ep, String reason) {
    metrics.onFiltered();
    if (!cfg.recordSuccesses()) return;
    Instant now = clock.instant();
    writer.ledger(new Delivery(WebhookSigner.messageId(e.id(), ep.id()), e.id(), ep.id(), e.type(), DeliveryStatus.FILTERED,
        0, null, null, reason, null, now, now), null);
  }

  /**
   * Hands an event to its lanes (from {@link #route}); {@code onSettled} runs once per lane when that
   * pair is delivered or durably scheduled.
   */
  public void submit(Event event, List<Lane> lanes, Runnable onSettled) {
    byte[] body = WebhookPayload.encode(event);
    Instant now = clock.instant();
    for (Lane lane : lanes) {
      String msgId = WebhookSigner.messageId(event.id(), lane.channel.endpoint().id());
      DeliveryTask task = new DeliveryTask(msgId, event.id(), event.type(), body, 1, now, true, onSettled);
      if (lane.deadLetter != null) {
        // a custom processor failed: a dead letter the operator can retry once the processor is fixed
        writer.durable(task.row(lane.endpointId(), DeliveryStatus.FAILED, 0, null, null,
            "processor: " + lane.deadLetter, now), null).thenRun(task::settle);
        metrics.onFailed();
      } else {
        lane.channel.submit(task);
      }
    }
  }

  /**
   * Manual retry: schedules a failed delivery for an attempt now.
   *
   * @return the updated delivery, or empty when there is none with this id
   * @throws EndpointUnavailableException when its endpoint is disabled or deleted
   * @throws IllegalStateException when it is not failed (delivered, or already scheduled)
   */
  public Optional<Delivery> retry(String deliveryId) {
    Optional<Delivery> found = store.deliveries().find(deliveryId);
    if (found.isEmpty()) return found;
    Delivery d = found.get();
    if (d.status() != DeliveryStatus.FAILED) throw new IllegalStateException("delivery is " + d.status().wireName() + ", not failed");
    if (d.payload() == null) throw new IllegalStateException("delivery has no stored payload");
    Optional<Endpoint> endpoint = store.endpoints().find(d.endpointId());
    if (endpoint.isEmpty()) throw EndpointUnavailableException.deleted(d.endpointId());
    if (!endpoint.get().enabled()) throw EndpointUnavailableException.disabled(d.endpointId());
    Instant now = clock.instant();
    Delivery again = new Delivery(d.id(), d.eventId(), d.endpointId(), d.eventType(), DeliveryStatus.RETRYING, d.attempts(),
        now, d.lastStatus(), d.lastError(), d.payload(), d.createdAt(), now);
    writer.durable(again, null).join();
    scheduler.poke();
    return Optional.of(again);
  }

  /** A manual retry of a delivery whose endpoint is disabled or deleted: it would only fail again. */
  public static final class EndpointUnavailableException extends IllegalStateException {
    private EndpointUnavailableException(String message) {
      super(message);
    }

    /** The endpoint exists but is disabled: nothing is sent to it until it is enabled. */
    public static EndpointUnavailableException disabled(String endpointId) {
      return new EndpointUnavailableException("endpoint " + endpointId + " is disabled; enable it first");
    }

    static EndpointUnavailableException deleted(String endpointId) {
      return new EndpointUnavailableException("endpoint " + endpointId + " was deleted");
    }

    /** The API's answer: {@code 409 endpoint-unavailable} (manual retries, replays). */
    public Problem toProblem() {
      return Problem.of(409, "endpoint-unavailable", "Endpoint disabled or deleted").detail(getMessage());
    }
  }

  /**
   * Ends the scheduled deliveries of a deleted endpoint at once ({@code failed},
   * {@code endpoint_deleted}), instead of when each would have fallen due (up to 10 h). If this
   * fails, or an attempt in flight records a retry after it, the scheduler ends those rows when they
   * fall due. Blocking.
   */
  void failScheduledOfDeleted(String endpointId) {
    try {
      long ended = store.deliveries().failScheduled(endpointId, "endpoint_deleted", clock.instant());
      metrics.onFailed(ended);
      if (ended > 0) LOG.info("endpoint {} deleted: {} scheduled deliveries failed", endpointId, ended);
    } catch (RuntimeException e) {
      LOG.warn("endpoint {} deleted; its scheduled deliveries end when due instead: {}", endpointId, e.toString());
    }
  }

  /** The lane of an endpoint (state for the API), or null when it has none. */
  EndpointChannel lane(String endpointId) {
    return registry.channel(endpointId).orElse(null);
  }

  /** The metadata store this engine writes to. */
  public MetadataStore store() {
    return store;
  }

  public DeliveryMetrics metrics() {
    return metrics;
  }

  /** Success records the ledger dropped because it could not keep up. */
  public long ledgerDropped() {
    return writer.ledgerDropped();
  }

  private void runAdmin(Runnable r) {
    try {
      admin.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("endpoint state update failed: {}", e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // shutting down: the state is recomputed after restart
    }
  }

  private void disableEndpoint(String endpointId, String reason) {
    store.endpoints().find(endpointId).filter(Endpoint::enabled).ifPresent(e -> {
      store.endpoints().update(e.withEnabled(false, reason, clock.instant()));
      LOG.warn("endpoint {} disabled: {}", endpointId, reason);
      registry.reload();
    });
  }

  private void reloadQuietly() {
    try {
      registry.reload();
    } catch (RuntimeException e) {
      LOG.warn("endpoint reload failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (spillTimer >= 0) vertx.cancelTimer(spillTimer);
    if (reloadTimer >= 0) vertx.cancelTimer(reloadTimer);
    scheduler.close();
    admin.shutdown();
    writer.close();
    client.close();
  }

  /** An endpoint an event is routed to (opaque to workers). */
  public static final class Lane {
    private final EndpointChannel channel;
    private final String deadLetter;

    private Lane(EndpointChannel channel, String deadLetter) {
      this.channel = channel;
      this.deadLetter = deadLetter;
    }

    public String endpointId() {
      return channel.endpoint().id();
    }
  }
}
