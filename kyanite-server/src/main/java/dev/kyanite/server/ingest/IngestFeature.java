package dev.kyanite.server.ingest;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.auth.Authenticator;
import dev.kyanite.server.auth.Principal;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.edge.Problems;
import dev.kyanite.server.schema.SchemaCatalog;
import dev.kyanite.server.schema.SchemaRoutes;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The front door: {@code POST /v1/events}, {@code POST /v1/events/batch} ({@code events:write}),
 * {@code GET /v1/events/{id}} ({@code events:read}) and the schema registry ({@code admin}).
 *
 * <p>On {@link #start} it loads the schemas and lets the {@link EventIndexer} catch up with the
 * log before the port opens, so that after a restart every acknowledged event is found by lookup
 * and recognised by idempotency.
 *
 * <p>Other features add event status details with {@link #statusSource(EventStatusSource)}; find
 * this feature with {@code ctx.features()}.
 */
public final class IngestFeature implements Feature {
  private SchemaCatalog schemas;
  private IdempotencyTable table;
  private Ingestor ingestor;
  private EventIndexer indexer;
  private EventLookup lookup;
  private volatile EventStatusSource statusSource = EventStatusSource.NONE;

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return IngestConfig.keys();
  }

  @Override
  public String openApiResource() {
    return "openapi/ingest.json";
  }

  /** Registers the source of per-endpoint delivery details for {@code GET /v1/events/{id}}. */
  /** The status source in effect (so another feature can wrap it). */
  public EventStatusSource statusSource() {
    return statusSource;
  }

  public void statusSource(EventStatusSource source) {
    this.statusSource = source;
    if (lookup != null) lookup.statusSource(source);
  }

  /** The schema catalog (validation of {@code data}); available after {@link #mount}. */
  public SchemaCatalog schemas() {
    return schemas;
  }

  @Override
  public void mount(Router router, ServerContext ctx) {
    IngestSettings settings = IngestConfig.settings(ctx.config());
    EventLog log = ctx.eventLog();
    MetadataStore store = ctx.store();
    schemas = new SchemaCatalog(store.schemas(), ctx.clock());
    table = new IdempotencyTable(log.partitions());
    KeyFilter keys = new KeyFilter();
    IndexHints hints = new IndexHints(log.partitions());
    ingestor = new Ingestor(log, schemas, store.eventIndex(), table, keys, settings, ctx.clock(),
        r -> ctx.blockingExecutor().executeBlocking(() -> {
          r.run();
          return null;
        }, false), hints);
    indexer = new EventIndexer(log, store.eventIndex(), table, keys, ctx.clock(), settings.idempotencyWindow(), hints);
    lookup = new EventLookup(log, store.eventIndex(), indexer);
    lookup.statusSource(statusSource);
    IngestMetrics metrics = new IngestMetrics(ctx.metrics(), ingestor.limiter(), indexer, log);
    EventsHandler events = new EventsHandler(ingestor, rc -> {
      Principal p = Authenticator.principal(rc);
      return p == null ? "anonymous" : p.name();
    }, metrics);

    // The body is read by the ingest handlers themselves (streaming, with their own limits), so
    // the request must stay paused while authentication may look the key up asynchronously.
    router.post("/v1/events").handler(IngestFeature::pause).handler(ctx.auth().require(Scope.EVENTS_WRITE)).handler(events::single);
    router.post("/v1/events/batch").handler(IngestFeature::pause).handler(ctx.auth().require(Scope.EVENTS_WRITE)).handler(events::batch);
    router.get("/v1/events/:id").handler(ctx.auth().require(Scope.EVENTS_READ)).handler(rc -> read(rc, ctx));
    SchemaRoutes.mount(router, ctx, schemas);
  }

  @Override
  public void start(ServerContext ctx) {
    schemas.reload();
    indexer.catchUp();
    indexer.start();
  }

  @Override
  public void stop() {
    if (indexer != null) indexer.close();
  }

  private void read(RoutingContext rc, ServerContext ctx) {
    String id = rc.pathParam("id");
    String source = rc.request().getParam("source");
    ctx.executeBlocking(() -> lookup.find(id, source)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        Problems.send(rc, Problems.notFound("no event with id '" + id + "'"));
      } else {
        rc.response().putHeader("Content-Type", "application/json").end(ar.result().get().toString());
      }
    });
  }

  /** Pauses the request so no body chunk is lost before the ingest handler reads it. */
  private static void pause(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    req.pause();
    // a request answered early (401, 403, 429) must not leave its body stuck in the connection
    rc.addEndHandler(ar -> {
      if (!req.isEnded()) {
        req.handler(b -> {});
        req.resume();
      }
    });
    rc.next();
  }
}
