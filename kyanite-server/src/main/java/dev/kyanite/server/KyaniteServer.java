package dev.kyanite.server;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.auth.AuthKeys;
import dev.kyanite.server.auth.Authenticator;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigException;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.edge.Edge;
import dev.kyanite.server.edge.Listener;
import dev.kyanite.server.edge.SlowClientGuard;
import dev.kyanite.server.edge.TlsSettings;
import dev.kyanite.server.ops.Metrics;
import dev.kyanite.server.store.sqlite.SqliteMetadataStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kyanite server: creates the data dir owner-only ({@link DataDir}) and locks it, opens
 * the metadata store and the event log, builds the router (edge handlers, then every
 * {@link Feature}), and listens with one HTTP server instance per event loop. {@link #close()} is
 * the graceful shutdown: stop accepting, let in-flight requests finish (bounded by
 * {@code shutdown.timeout}), stop features, close the log and the store, release the lock. Not
 * reusable after close.
 */
public final class KyaniteServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KyaniteServer.class);

  private final Config config;
  private final List<Feature> features;
  private DataDirLock lock;
  private MetadataStore store;
  private EventLog log;
  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private Future<AutoCloseable> jvmMetrics;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<Feature> started = new ArrayList<>();
  private ServerContext ctx;
  private Router router;
  private int port;
  private boolean tls;
  private volatile boolean closed;
  private final StringBuilder phases = new StringBuilder();
  private long phaseStart = System.nanoTime();

  private void phase(String name) {
    long now = System.nanoTime();
    phases.append(phases.length() == 0 ? "" : ", ").append(name).append(' ').append((now - phaseStart) / 1_000_000).append(" ms");
    phaseStart = now;
  }

  /** How long each start phase took, e.g. {@code store 40 ms, log 12 ms, …} (for the startup log line). */
  public String startPhases() {
    return phases.toString();
  }

  private KyaniteServer(Config config, List<Feature> features) {
    this.config = config;
    this.features = features;
  }

  /** Every config key the server and these features declare. */
  public static List<ConfigKey<?>> configKeys(List<Feature> features) {
    List<ConfigKey<?>> keys = new ArrayList<>(ServerKeys.all());
    keys.addAll(EventLogs.keys());
    keys.addAll(AuthKeys.all());
    keys.addAll(Metrics.keys());
    keys.addAll(dev.kyanite.server.ops.Logging.keys());
    for (Feature f : features) keys.addAll(f.configKeys());
    return keys;
  }

  /**
   * Starts a server and returns once it is listening.
   *
   * @throws ConfigException when a setting that can only be checked against the file system (the
   *     TLS certificate and key) is wrong; thrown before anything is created or opened
   * @throws StartupException with an operator-readable message when it cannot start
   */
  public static KyaniteServer start(Config config, List<Feature> features) {
    TlsSettings.check(config);
    KyaniteServer s = new KyaniteServer(config, features);
    try {
      s.doStart();
      return s;
    } catch (RuntimeException e) {
      s.close();
      if (e instanceof StartupException) throw e;
      throw new StartupException("cannot start: " + e.getMessage(), e);
    }
  }

  private void doStart() {
    Path dataDir = config.get(ServerKeys.DATA_DIR);
    DataDir.prepare(dataDir);
    lock = DataDirLock.acquire(dataDir);
    Clock clock = Clock.systemUTC();
    // The store (SQLite load + migrations) and the log (recovery) open in parallel with Vert.x.
    CompletableFuture<MetadataStore> storeF = async("kyanite-open-store", () -> switch (config.get(ServerKeys.STORE)) {
      case SQLITE -> {
        Path db = dataDir.resolve("metadata.db");
        DataDir.privateFile(db); // holds webhook secrets and endpoint headers
        yield SqliteMetadataStore.open(db);
      }
      case MEMORY -> new MemoryMetadataStore();
    });
    EventLogs.FsyncTimer fsyncTimer = new EventLogs.FsyncTimer();
    CompletableFuture<EventLog> logF = async("kyanite-open-log", () -> EventLogs.open(config, dataDir, clock, fsyncTimer));
    vertx = Vertx.vertx(vertxOptions());
    registry = Metrics.newRegistry();
    phase("vertx");
    RuntimeException failure = null;
    try {
      store = storeF.join();
    } catch (CompletionException e) {
      failure = unwrap(e);
    }
    try {
      log = logF.join();
    } catch (CompletionException e) {
      if (failure == null) failure = unwrap(e);
    }
    if (failure != null) throw failure;
    phase("store+log");
    if (log instanceof dev.kyanite.log.FileEventLog file) {
      bindLogMeters(file, registry);
      fsyncTimer.register(registry);
    }

    WorkerExecutor blocking = vertx.createSharedWorkerExecutor("kyanite-blocking", config.get(ServerKeys.BLOCKING_POOL));
    Authenticator auth = new Authenticator(store.keys(), blocking, System::nanoTime, config.get(AuthKeys.RATE_LIMIT),
        config.get(AuthKeys.BURST_SECONDS), config.get(AuthKeys.CACHE_TTL), config.get(AuthKeys.ADMIN_KEY));
    ctx = new ServerContext(vertx, config, store, log, registry, clock, auth, blocking, dataDir, features);

    router = Router.router(vertx);
    Edge.installBefore(router, ctx);
    for (Feature f : features) f.mount(router, ctx);
    Edge.installAfter(router, ctx);
    phase("routes");
    for (Feature f : features) {
      f.start(ctx);
      started.add(f);
    }
    phase("features");
    listen(vertx);
    phase("listen");
    // JVM/process meters need JMX, slow to initialise: bind them after the port is open.
    jvmMetrics = ctx.executeBlocking(() -> Metrics.bindJvm(registry));
  }

  /**
   * Vert.x as the server runs it. A blocked event loop is always a bug here (nothing on it may wait
   * for I/O), so the blocked-thread warning carries the loop's stack from the first warning (at the
   * 2 s limit) instead of Vert.x's default of only after 5 s: a stall of 2–5 s is then diagnosable
   * from the log alone.
   */
  static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(false)
        .setWarningExceptionTime(VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME)
        .setWarningExceptionTimeUnit(VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME_UNIT);
  }

  /** Counters of the file log, read at scrape time (nothing on the append path). */
  private static void bindLogMeters(dev.kyanite.log.FileEventLog file, io.micrometer.core.instrument.MeterRegistry r) {
    io.micrometer.core.instrument.FunctionCounter.builder("kyanite.log.appends", file, f -> f.stats().appends())
        .description("log appends acknowledged (one per request and partition)").register(r);
    io.micrometer.core.instrument.FunctionCounter.builder("kyanite.log.records", file, f -> f.stats().records())
        .description("records acknowledged by the log").register(r);
    io.micrometer.core.instrument.FunctionCounter.builder("kyanite.log.fsyncs", file, f -> f.stats().fsyncs())
        .description("fsyncs of segment files (group commits, rolls, interval flushes)").register(r);
    io.micrometer.core.instrument.Gauge.builder("kyanite.log.disk.bytes", file, f -> f.stats().diskBytes())
        .description("bytes of segment and index files on disk").register(r);
  }

  private static <T> CompletableFuture<T> async(String thread, java.util.function.Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, r -> {
      Thread t = new Thread(r, thread);
      t.setDaemon(true);
      t.start();
    });
  }

  private static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException re ? re : new StartupException(String.valueOf(e.getCause()), e.getCause());
  }

  private void listen(Vertx vertx) {
    HttpServerOptions opts = Listener.options(config);
    tls = opts.isSsl();
    int instances = config.get(ServerKeys.INSTANCES);
    if (instances == 0) instances = Runtime.getRuntime().availableProcessors();
    String host = config.get(ServerKeys.HOST);
    int wanted = config.get(ServerKeys.PORT);
    // Instances listening on the same host:port share the socket; Vert.x spreads connections
    // across them, one event loop each. For "any free port" Vert.x shares one random port among
    // servers that ask for the same negative port, so port 0 becomes -1.
    int listenPort = wanted == 0 ? -1 : wanted;
    for (int i = 0; i < instances; i++) {
      HttpServer server = SlowClientGuard.install(vertx, vertx.createHttpServer(opts), router,
          config.get(ServerKeys.HEADER_TIMEOUT).toMillis(), config.get(ServerKeys.BODY_TIMEOUT).toMillis());
      servers.add(bind(server, listenPort, host));
    }
    port = servers.get(0).actualPort();
    for (HttpServer s : servers) {
      if (s.actualPort() != port) throw new StartupException("HTTP instances bound different ports " + port + " and " + s.actualPort());
    }
  }

  private static HttpServer bind(HttpServer s, int port, String host) {
    try {
      return s.listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
  }

  /** The bound port (useful with {@code port=0}). */
  public int port() {
    return port;
  }

  public boolean tls() {
    return tls;
  }

  public ServerContext context() {
    return ctx;
  }

  /** The router with every mounted route (used by the OpenAPI completeness test). */
  public Router router() {
    return router;
  }

  /** Graceful shutdown; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    long timeoutMs = config.get(ServerKeys.SHUTDOWN_TIMEOUT).toMillis();
    List<Future<Void>> shutdowns = new ArrayList<>();
    for (HttpServer s : servers) shutdowns.add(s.shutdown(timeoutMs, TimeUnit.MILLISECONDS));
    try {
      Future.join(shutdowns).toCompletionStage().toCompletableFuture().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("HTTP shutdown did not complete cleanly: {}", e.toString());
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).stop();
      } catch (RuntimeException e) {
        LOG.warn("feature {} failed to stop", started.get(i).name(), e);
      }
    }
    // Order matters: nothing may use the log or the store once they close.
    if (jvmMetrics != null) jvmMetrics.onSuccess(m -> closeQuietly("jvm metrics", m));
    if (vertx != null) closeQuietly("vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    if (registry != null) closeQuietly("metrics", registry::close);
    if (log != null) closeQuietly("event log", log::close);
    if (store != null) closeQuietly("metadata store", store::close);
    if (lock != null) closeQuietly("data dir lock", lock::close);
  }

  private static void closeQuietly(String what, AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing the {} failed: {}", what, e.toString());
    }
  }
}
