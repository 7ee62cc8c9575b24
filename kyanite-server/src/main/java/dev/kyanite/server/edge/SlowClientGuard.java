package dev.kyanite.server.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Closes connections of clients that send too slowly (slowloris), which the idle timeout alone
 * cannot catch because a byte now and then counts as activity:
 *
 * <ul>
 *   <li><b>header timeout</b>: a connection must complete its first request's line and headers
 *       within {@code headerTimeoutMs} of being accepted (later requests on a kept-alive
 *       connection are covered by the idle timeout);
 *   <li><b>body timeout</b>: once a request's headers are in, its whole body must arrive within
 *       {@code bodyTimeoutMs}.
 * </ul>
 *
 * One guard per HTTP server instance: its connections live on one event loop, so the state is
 * touched by that thread only, and one periodic sweep per instance (every quarter of the shorter
 * timeout, at most once a second) checks them all, instead of a timer per request on the hot
 * path. A timeout of 0 switches that check off.
 */
public final class SlowClientGuard {
  private final Vertx vertx;
  private final long headerTimeoutMs;
  private final long bodyTimeoutMs;
  private final Map<HttpConnection, State> connections = new IdentityHashMap<>();
  private long sweeper = -1;

  private static final class State {
    final long acceptedAt = System.nanoTime();
    HttpServerRequest current;
    long requestAt;
  }

  private SlowClientGuard(Vertx vertx, long headerTimeoutMs, long bodyTimeoutMs) {
    this.vertx = vertx;
    this.headerTimeoutMs = headerTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  /** Installs the guard on a server whose requests go to {@code next}; returns the server. */
  public static HttpServer install(Vertx vertx, HttpServer server, Handler<HttpServerRequest> next, long headerTimeoutMs,
      long bodyTimeoutMs) {
    if (headerTimeoutMs <= 0 && bodyTimeoutMs <= 0) return server.requestHandler(next);
    SlowClientGuard g = new SlowClientGuard(vertx, headerTimeoutMs, bodyTimeoutMs);
    return server.connectionHandler(g::accepted).requestHandler(req -> {
      State s = g.connections.get(req.connection());
      if (s != null) {
        s.current = req;
        s.requestAt = System.nanoTime();
      }
      next.handle(req);
    });
  }

  private void accepted(HttpConnection conn) {
    connections.put(conn, new State());
    conn.closeHandler(v -> connections.remove(conn));
    if (sweeper < 0) {
      long shorter = Math.min(headerTimeoutMs <= 0 ? Long.MAX_VALUE : headerTimeoutMs, bodyTimeoutMs <= 0 ? Long.MAX_VALUE : bodyTimeoutMs);
      sweeper = vertx.setPeriodic(Math.max(50, Math.min(1_000, shorter / 4)), id -> sweep());
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    connections.entrySet().removeIf(e -> {
      State s = e.getValue();
      boolean slow;
      if (s.current == null) {
        slow = headerTimeoutMs > 0 && millis(now - s.acceptedAt) > headerTimeoutMs;
      } else {
        slow = bodyTimeoutMs > 0 && !s.current.isEnded() && millis(now - s.requestAt) > bodyTimeoutMs;
      }
      if (slow) e.getKey().close();
      return slow;
    });
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
