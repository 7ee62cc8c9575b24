package dev.kyanite.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The bare baseline: a plain Vert.x HTTP server that reads the body of {@code POST /v1/events}
 * (and {@code /v1/events/batch}) and answers {@code 202 {"id":"evt_…","received_at":"…",
 * "durability":"none"}} — no auth, no parsing, no storage. It is the practical ceiling the real
 * server is compared with. Other requests get 404. One verticle instance per event loop.
 *
 * <p>With {@code --durable DIR} it is the durable baseline instead: each body goes through a
 * {@link GroupCommit} (or, with {@code --inline}, is written and forced by the event loop itself)
 * and the 202, now {@code "durability":"fsync"}, is sent only after the force.
 */
@Command(name = "bare", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The bare baseline server: plain Vert.x answering 202 to POST /v1/events after reading the body. "
        + "Runs in the foreground until killed (or for --for).", ""})
public final class BareServer implements Callable<Integer> {
  @Option(names = {"-p", "--port"}, defaultValue = "8090", paramLabel = "PORT", description = "Port (0 = any free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Bind address. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--event-loops", defaultValue = "1", paramLabel = "N", description = "Event-loop threads. Default: ${DEFAULT-VALUE}")
  int eventLoops;

  @Option(names = "--durable", paramLabel = "DIR",
      description = "Make each body durable before the 202: one writer thread appends the bodies to a file in DIR "
          + "with O_DIRECT and forces it once per gather (a minimal group commit, no linger). "
          + "Default: not durable.")
  java.nio.file.Path durableDir;

  @Option(names = "--inline", description = "With --durable: the event loop writes and forces each gather itself, "
      + "blocking while the disk flushes (no writer thread, no hand-off) — what the log's \"appenders never block\" "
      + "rule costs, measured.")
  boolean inline;

  @Option(names = "--for", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Stop after this long (default: run until killed).")
  java.time.Duration runFor;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BareServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Running running = start(host, port, eventLoops, durableDir, inline);
    System.err.println("bare server listening on http://" + host + ":" + running.port()
        + " (" + eventLoops + " event loop" + (eventLoops == 1 ? "" : "s")
        + (durableDir == null ? ", not durable)" : ", durable: group commit into " + durableDir + ")"));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stop.countDown();
    }));
    if (runFor == null) {
      stop.await();
    } else if (!stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
      running.close();
    }
    return 0;
  }

  /** A started server; {@link #close} stops it. */
  public record Running(Vertx vertx, int port, GroupCommit commit) implements AutoCloseable {
    @Override
    public void close() {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // exiting anyway
      } finally {
        if (commit != null) commit.close();
      }
    }
  }

  /** Starts the server on {@code port} (0 for a free one) with {@code eventLoops} threads, not durable. */
  public static Running start(String host, int port, int eventLoops) throws Exception {
    return start(host, port, eventLoops, null, false);
  }

  /**
   * Starts the server on {@code port} (0 for a free one) with {@code eventLoops} threads; with a
   * {@code durableDir}, every body is forced to a file there before its 202 ({@link GroupCommit}).
   */
  public static Running start(String host, int port, int eventLoops, java.nio.file.Path durableDir, boolean inline)
      throws Exception {
    return start(host, port, eventLoops, durableDir, inline, 64L << 20);
  }

  /** The same with a durable ring of {@code ringBytes} (tests read it back whole). */
  static Running start(String host, int port, int eventLoops, java.nio.file.Path durableDir, boolean inline,
      long ringBytes) throws Exception {
    GroupCommit commit = durableDir == null ? null : GroupCommit.open(durableDir, ringBytes);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    // with port 0, each verticle would get its own random port: bind the first, then share it
    Handler first = new Handler(host, port, commit, inline);
    vertx.deployVerticle(first).await(10, TimeUnit.SECONDS);
    int actual = first.server.actualPort();
    if (eventLoops > 1) {
      vertx.deployVerticle(() -> new Handler(host, actual, commit, inline), new DeploymentOptions().setInstances(eventLoops - 1))
          .await(10, TimeUnit.SECONDS);
    }
    return new Running(vertx, actual, commit);
  }

  private static final class Handler extends VerticleBase {
    private static final Buffer NOT_FOUND = Buffer.buffer("{\"status\":404}");
    private final String host;
    private final int port;
    private final GroupCommit commit;
    private final boolean inline;
    private final java.util.List<byte[]> inlineBodies = new java.util.ArrayList<>();
    private final java.util.List<HttpServerRequest> inlineRequests = new java.util.ArrayList<>();
    private final String prefix = "evt_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "_";
    private long counter;
    HttpServer server;

    Handler(String host, int port, GroupCommit commit, boolean inline) {
      this.host = host;
      this.port = port;
      this.commit = commit;
      this.inline = inline;
    }

    @Override
    public Future<?> start() {
      // the same pipeline options as kyanite's listener where they cost per request (no WebSocket
      // extension handler), so that the baseline is not slower for a reason kyanite avoids
      server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
              .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
              .setTcpNoDelay(true))
          .requestHandler(this::handle);
      return server.listen();
    }

    private void handle(HttpServerRequest req) {
      String path = req.path();
      if (req.method() != HttpMethod.POST || !(path.equals("/v1/events") || path.equals("/v1/events/batch"))) {
        req.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(NOT_FOUND);
        return;
      }
      req.body().onSuccess(body -> {
        if (commit == null) {
          answer(req, "none");
        } else if (inline) {
          // the flush runs as a task after the event loop has read every request that is ready
          if (inlineBodies.isEmpty()) vertx.getOrCreateContext().runOnContext(v -> flushInline());
          inlineBodies.add(body.getBytes());
          inlineRequests.add(req);
        } else {
          io.vertx.core.Context context = vertx.getOrCreateContext();
          commit.append(body.getBytes(), failure -> context.runOnContext(v -> {
            if (failure == null) answer(req, "fsync");
            else unavailable(req, failure);
          }));
        }
      });
    }

    private void flushInline() {
      java.io.IOException failure = null;
      try {
        commit.writeNow(inlineBodies);
      } catch (java.io.IOException e) {
        failure = e;
      }
      for (HttpServerRequest r : inlineRequests) {
        if (failure == null) answer(r, "fsync");
        else unavailable(r, failure);
      }
      inlineBodies.clear();
      inlineRequests.clear();
    }

    /** The write failed: 503, as the real server answers when its log refuses an append. */
    private static void unavailable(HttpServerRequest req, java.io.IOException failure) {
      req.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("Retry-After", "1").end("{\"status\":503,\"detail\":\"write failed: " + failure.getClass().getSimpleName() + "\"}");
    }

    private void answer(HttpServerRequest req, String durability) {
      String id = prefix + Long.toString(counter++, 36);
      String ack = "{\"id\":\"" + id + "\",\"received_at\":\"" + Instant.now() + "\",\"durability\":\"" + durability + "\"}";
      req.response()
          .setStatusCode(202)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.LOCATION, "/v1/events/" + id)
          .end(Buffer.buffer(ack.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
