package dev.kyanite.server.delivery;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A real webhook receiver on loopback whose answers the test controls. Records every request. */
final class Receiver implements AutoCloseable {
  /** What the receiver answers: status, optional Retry-After, delay before answering (-1: hold until {@link #release}). */
  record Answer(int status, String retryAfter, long delayMillis) {
    static Answer of(int status) {
      return new Answer(status, null, 0);
    }
  }

  /** One received request. */
  record Received(long atNanos, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    Map<String, List<String>> headerMap() {
      return Map.of("webhook-id", List.of(header("webhook-id")), "webhook-timestamp", List.of(header("webhook-timestamp")),
          "webhook-signature", List.of(header("webhook-signature")));
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  volatile Function<Received, Answer> behaviour = r -> Answer.of(200);
  private final java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();

  /** Answers every held request (and answers later held ones at once). */
  void release() {
    gate.complete(null);
  }

  Receiver(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
      Received r = new Received(System.nanoTime(), headers, buf.toString(StandardCharsets.UTF_8));
      received.add(r);
      Answer a = behaviour.apply(r);
      Runnable answer = () -> {
        if (a.retryAfter() != null) req.response().putHeader("retry-after", a.retryAfter());
        req.response().setStatusCode(a.status()).end("answer " + a.status());
      };
      if (a.delayMillis() < 0) gate.thenRun(() -> vertx.runOnContext(v -> answer.run()));
      else if (a.delayMillis() > 0) vertx.setTimer(a.delayMillis(), id -> answer.run());
      else answer.run();
    });
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  int port() {
    return server.actualPort();
  }

  List<Received> all() {
    return new ArrayList<>(received);
  }

  List<String> bodies() {
    return received.stream().map(Received::body).toList();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
