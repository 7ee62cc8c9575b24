package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** A webhook receiver on loopback that answers 200 and keeps every request's id header and JSON body. */
final class WebhookSink implements AutoCloseable {
  record Hit(String webhookId, JsonNode body) {}

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();

  WebhookSink(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      try {
        hits.add(new Hit(req.getHeader("webhook-id"), EventCodec.mapper().readTree(buf.getBytes())));
      } catch (Exception e) {
        hits.add(new Hit(req.getHeader("webhook-id"), null));
      }
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  List<Hit> hits() {
    return new ArrayList<>(hits);
  }

  /** The delivered bodies whose {@code data.n} equals n. */
  List<JsonNode> withN(int n) {
    return hits().stream().map(Hit::body).filter(b -> b != null && b.at("/data/n").asInt(-1) == n).toList();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
