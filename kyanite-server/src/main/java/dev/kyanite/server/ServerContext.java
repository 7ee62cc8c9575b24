package dev.kyanite.server;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.auth.Authenticator;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.edge.RequestSanity;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What a {@link Feature} gets from the server: the shared Vert.x instance, configuration, the
 * metadata store and the event log, metrics, the clock, authentication and the blocking executor.
 * Built once per server; thread-safe.
 */
public final class ServerContext {
  private final Vertx vertx;
  private final Config config;
  private final MetadataStore store;
  private final EventLog eventLog;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Authenticator auth;
  private final WorkerExecutor blocking;
  private final Path dataDir;
  private final long maxBodyBytes;
  private final List<Feature> features;

  ServerContext(Vertx vertx, Config config, MetadataStore store, EventLog eventLog, MeterRegistry metrics, Clock clock,
      Authenticator auth, WorkerExecutor blocking, Path dataDir, List<Feature> features) {
    this.features = List.copyOf(features);
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.eventLog = eventLog;
    this.metrics = metrics;
    this.clock = clock;
    this.auth = auth;
    this.blocking = blocking;
    this.dataDir = dataDir;
    this.maxBodyBytes = config.get(ServerKeys.MAX_BODY);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Config config() {
    return config;
  }

  /** The metadata store. Its calls block: run them through {@link #executeBlocking}. */
  public MetadataStore store() {
    return store;
  }

  public EventLog eventLog() {
    return eventLog;
  }

  /**
   * The Prometheus registry behind {@code /metrics}. Register meters once at mount time and keep
   * the references; never build tagged meters per request.
   */
  public MeterRegistry metrics() {
    return metrics;
  }

  public Clock clock() {
    return clock;
  }

  /** Route handlers for API-key authentication: {@code route.handler(ctx.auth().require(Scope.ADMIN))}. */
  public Authenticator auth() {
    return auth;
  }

  /** The shared pool for blocking work (JDBC, file reads). */
  public WorkerExecutor blockingExecutor() {
    return blocking;
  }

  /** Runs blocking code off the event loop (unordered); the future completes on the caller's context. */
  public <T> Future<T> executeBlocking(Callable<T> work) {
    return blocking.executeBlocking(work, false);
  }

  /** Every feature of this server, in mount order. */
  public List<Feature> features() {
    return features;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Largest accepted body ({@code http.max-body-size}). */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * A body handler that buffers the request body up to {@code http.max-body-size} and fails with
   * {@code 413} beyond. Vert.x Web requires it before the auth handler and any other handler on the
   * route: {@code route.handler(ctx.bodyHandler()).handler(ctx.auth().require(scope)).handler(...)}.
   * Form and multipart bodies get {@code 415} (see {@link RequestSanity#formSafe}).
   */
  public Handler<RoutingContext> bodyHandler() {
    return RequestSanity.formSafe(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
  }
}
