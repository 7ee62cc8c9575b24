package dev.kyanite.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The do-it-yourself alternative KyaniteAPI replaces, as a baseline: {@code POST /v1/events}
 * INSERTs each event into PostgreSQL (one statement, the database's synchronous commit) through a
 * Vert.x reactive pool, then answers {@code 202 {"id","received_at","durability":"postgres"}}.
 * A failed insert answers 503. Used by {@code bench/compare.sh}; not part of the product.
 */
@Command(name = "pg-direct", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Baseline: an HTTP endpoint that INSERTs each event straight into PostgreSQL before answering 202.")
public final class PgDirectServer implements Callable<Integer> {
  @Option(names = {"-p", "--port"}, defaultValue = "8091", description = "HTTP port. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--event-loops", defaultValue = "1", description = "Event-loop threads. Default: ${DEFAULT-VALUE}")
  int eventLoops;

  @Option(names = "--pg-host", defaultValue = "127.0.0.1", description = "PostgreSQL host. Default: ${DEFAULT-VALUE}")
  String pgHost;

  @Option(names = "--pg-port", defaultValue = "5432", description = "PostgreSQL port. Default: ${DEFAULT-VALUE}")
  int pgPort;

  @Option(names = "--pg-user", defaultValue = "postgres", description = "Default: ${DEFAULT-VALUE}")
  String pgUser;

  @Option(names = "--pg-password", defaultValue = "", description = "Default: empty (trust authentication)")
  String pgPassword;

  @Option(names = "--pg-database", defaultValue = "postgres", description = "Default: ${DEFAULT-VALUE}")
  String pgDatabase;

  @Option(names = "--pool", defaultValue = "16", description = "Database connections. Default: ${DEFAULT-VALUE}")
  int poolSize;

  @Option(names = "--for", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Stop after this long (default: run until killed).")
  Duration runFor;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PgDirectServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    PgConnectOptions connect = new PgConnectOptions().setHost(pgHost).setPort(pgPort).setUser(pgUser)
        .setPassword(pgPassword).setDatabase(pgDatabase).setCachePreparedStatements(true);
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect)
        .using(vertx).build();
    pool.query("CREATE TABLE IF NOT EXISTS bench_events (id text PRIMARY KEY, received_at timestamptz NOT NULL,"
        + " body jsonb NOT NULL)").execute().await(30, TimeUnit.SECONDS);
    String prefix = "evt_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "_";
    long[] counter = {0};
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(req -> handle(req, pool, prefix, counter));
    server.listen().await(10, TimeUnit.SECONDS);
    System.err.println("pg-direct server listening on http://" + host + ":" + server.actualPort()
        + " -> postgresql://" + pgHost + ":" + pgPort + "/" + pgDatabase + " (pool " + poolSize + ")");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    if (runFor == null) {
      stop.await();
    } else {
      stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }

  private static void handle(HttpServerRequest req, Pool pool, String prefix, long[] counter) {
    if (req.method() != HttpMethod.POST || !req.path().equals("/v1/events")) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().onSuccess(body -> {
      String id;
      synchronized (counter) {
        id = prefix + Long.toString(counter[0]++, 36);
      }
      Instant now = Instant.now();
      pool.preparedQuery("INSERT INTO bench_events (id, received_at, body) VALUES ($1, now(), $2::jsonb)")
          .execute(Tuple.of(id, body.toString(StandardCharsets.UTF_8)))
          .onComplete(ar -> {
            if (ar.failed()) {
              req.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                  .end("{\"status\":503,\"title\":\"insert failed\"}");
              return;
            }
            String ack = "{\"id\":\"" + id + "\",\"received_at\":\"" + now + "\",\"durability\":\"postgres\"}";
            req.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Buffer.buffer(ack.getBytes(StandardCharsets.UTF_8)));
          });
    });
  }
}
