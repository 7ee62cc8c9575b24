package dev.kyanite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on 127.0.0.1 (Vert.x, in the test JVM) that answers {@code 204} and counts
 * deliveries per event id (the {@code id} member of the webhook body). Keeps running while the
 * server it receives from is killed and restarted.
 */
final class WebhookReceiver implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, AtomicInteger> perEvent = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  WebhookReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(ar -> {
      requests.incrementAndGet();
      try {
        JsonNode body = Api.JSON.readTree(ar.result().getBytes());
        perEvent.computeIfAbsent(body.get("id").asText(), k -> new AtomicInteger()).incrementAndGet();
        req.response().setStatusCode(204).end();
      } catch (Exception e) {
        malformed.incrementAndGet();
        req.response().setStatusCode(400).end();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  int deliveries(String eventId) {
    AtomicInteger n = perEvent.get(eventId);
    return n == null ? 0 : n.get();
  }

  /** Distinct events received. */
  int distinct() {
    return perEvent.size();
  }

  long requests() {
    return requests.get();
  }

  long malformed() {
    return malformed.get();
  }

  /** Deliveries beyond the first, over all events. */
  long duplicates() {
    return perEvent.values().stream().mapToLong(n -> n.get() - 1).sum();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
