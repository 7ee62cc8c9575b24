package dev.kyanite.server.delivery;

import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.StartupException;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.edge.ContentTypes;
import dev.kyanite.server.ingest.IngestFeature;
import dev.kyanite.server.rules.InvalidRuleException;
import dev.kyanite.server.rules.RulesFeature;
import dev.kyanite.server.worker.DeliveryWorkers;
import dev.kyanite.server.worker.WorkerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Webhooks: the endpoints and deliveries APIs (scope {@code admin}), the delivery engine and the
 * partition workers (consumer group {@code deliveries}), and the per-endpoint delivery details of
 * {@code GET /v1/events/{id}}. Mount it after ingest and rules: it takes the rules' pipeline and
 * endpoint filters when the rules feature is present, else delivers every event unchanged.
 */
public final class DeliveryFeature implements Feature {
  private DeliveryService service;
  private DeliveryWorkers workers;
  private LedgerRetention retention;

  @Override
  public String name() {
    return "delivery";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DeliveryKeys.all();
  }

  @Override
  public String openApiResource() {
    return "openapi/delivery.json";
  }

  /** The engine (after mount), e.g. for metrics and tests. */
  public DeliveryService service() {
    return service;
  }

  @Override
  public void mount(Router router, ServerContext ctx) {
    DeliveryConfig cfg;
    try {
      cfg = DeliveryKeys.read(ctx.config());
    } catch (IllegalArgumentException e) {
      throw new StartupException("invalid configuration: " + e.getMessage(), e);
    }
    Hooks hooks = Hooks.find(ctx);
    service = new DeliveryService(ctx.vertx(), ctx.store(), cfg, ctx.clock(), hooks.filter());
    EndpointsApi endpoints = new EndpointsApi(ctx, service, cfg, hooks.filterCheck());
    DeliveriesApi deliveries = new DeliveriesApi(ctx, service);
    Handler<RoutingContext> admin = ctx.auth().require(Scope.ADMIN);
    Handler<RoutingContext> json = ContentTypes.require("application/json");
    router.post("/v1/endpoints").handler(ctx.bodyHandler()).handler(admin).handler(json).handler(endpoints::create);
    router.get("/v1/endpoints").handler(admin).handler(endpoints::list);
    router.get("/v1/endpoints/:id").handler(admin).handler(endpoints::get);
    router.get("/v1/endpoints/:id/secret").handler(admin).handler(endpoints::secret);
    router.patch("/v1/endpoints/:id").handler(ctx.bodyHandler()).handler(admin).handler(json).handler(endpoints::patch);
    router.delete("/v1/endpoints/:id").handler(admin).handler(endpoints::delete);
    router.post("/v1/endpoints/:id/rotate-secret").handler(admin).handler(endpoints::rotateSecret);
    router.get("/v1/deliveries").handler(admin).handler(deliveries::list);
    router.get("/v1/deliveries/:id").handler(admin).handler(deliveries::get);
    router.post("/v1/deliveries/:id/retry").handler(admin).handler(deliveries::retry);
    for (Feature f : ctx.features()) {
      if (f instanceof IngestFeature ingest) ingest.statusSource(new DeliveryStatusSource(ctx.store()));
    }
    registerMetrics(ctx.metrics());
  }

  @Override
  public void start(ServerContext ctx) {
    service.start();
    retention = new LedgerRetention(ctx.store(), ctx.config().get(DeliveryKeys.LEDGER_RETENTION), ctx.clock());
    retention.start(ctx.vertx(), service.adminExecutor());
    if (!ctx.config().get(DeliveryKeys.WORKERS_ENABLED)) return;
    WorkerConfig wc = new WorkerConfig(WorkerConfig.defaults().group(), WorkerConfig.defaults().readBatch(),
        WorkerConfig.defaults().pollWait(), ctx.config().get(DeliveryKeys.WORKERS_MAX_IN_FLIGHT),
        ctx.config().get(DeliveryKeys.WORKERS_COMMIT_INTERVAL));
    workers = new DeliveryWorkers(ctx.eventLog(), Hooks.find(ctx).pipeline(), service, wc);
    workers.start();
  }

  @Override
  public void stop() {
    if (retention != null) retention.stop();
    if (workers != null) workers.close();
    if (service != null) service.close();
  }

  /**
   * Totals since start are counters (exported with {@code _total}, so {@code rate()} and
   * {@code increase()} work and survive restarts as counter resets); what is in flight or behind
   * now is a gauge. All read the striped adders at scrape time: nothing extra on the send path.
   */
  private void registerMetrics(MeterRegistry r) {
    DeliveryMetrics m = service.metrics();
    FunctionCounter.builder("kyanite_webhook_attempts", m, DeliveryMetrics::attempts).description("webhook attempts started").register(r);
    FunctionCounter.builder("kyanite_webhook_attempt_failures", m, DeliveryMetrics::attemptFailures)
        .description("webhook attempts without a 2xx").register(r);
    FunctionCounter.builder("kyanite_webhook_delivered", m, DeliveryMetrics::delivered)
        .description("deliveries that got a 2xx").register(r);
    FunctionCounter.builder("kyanite_webhook_failed", m, DeliveryMetrics::failed).description("deliveries dead-lettered").register(r);
    FunctionCounter.builder("kyanite_webhook_filtered", m, DeliveryMetrics::filtered)
        .description("event-endpoint pairs left out by a rule or the endpoint's filter").register(r);
    FunctionCounter.builder("kyanite_webhook_parked", m, DeliveryMetrics::parked)
        .description("pairs moved to the store (slow endpoint, open circuit, full queue)").register(r);
    Gauge.builder("kyanite_webhook_in_flight", m, DeliveryMetrics::inFlight).description("webhook requests in flight").register(r);
    Gauge.builder("kyanite_worker_in_flight", this, f -> f.workers == null ? 0 : f.workers.inFlight())
        .description("events read from the log and not yet settled").register(r);
    Gauge.builder("kyanite_worker_lag", this, f -> {
      if (f.workers == null) return 0;
      long sum = 0;
      for (long l : f.workers.lag()) sum += l;
      return sum;
    }).description("records not yet committed by consumer group deliveries, all partitions").register(r);
  }

  /** What delivery takes from the rules feature when it is mounted. */
  record Hooks(EventPipeline pipeline, EndpointFilter filter, Function<String, Optional<String>> filterCheck) {
    static Hooks find(ServerContext ctx) {
      for (Feature f : ctx.features()) {
        if (f instanceof RulesFeature rules) {
          return new Hooks(rules.pipeline(), (endpoint, event) -> rules.filters().matches(endpoint.filter(), event), filter -> {
            try {
              rules.filters().validate(filter);
              return Optional.empty();
            } catch (InvalidRuleException e) {
              return Optional.of(e.getMessage());
            }
          });
        }
      }
      return new Hooks(EventPipeline.identity(), EndpointFilter.acceptAll(), f -> Optional.empty());
    }
  }
}
