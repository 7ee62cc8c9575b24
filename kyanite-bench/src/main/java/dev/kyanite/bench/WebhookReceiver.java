package dev.kyanite.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The end-to-end webhook receiver: an HTTP server on 127.0.0.1 (free port) that verifies every
 * delivery's Standard Webhooks signature, reads the event id from the body and hands it to the
 * {@link DeliveryTracker}. It answers 204 to everything it reads (also to bad signatures, which
 * it counts) so that the server's retries do not blur the figures.
 */
final class WebhookReceiver extends VerticleBase {
  static final String PATH = "/hook";

  private final DeliveryTracker tracker;
  private volatile WebhookVerifier verifier;
  private HttpServer server;

  WebhookReceiver(DeliveryTracker tracker) {
    this.tracker = tracker;
  }

  /** Set once the endpoint is registered and its secret known. */
  void secret(String secret) {
    this.verifier = new WebhookVerifier(secret);
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port() + PATH;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  private void handle(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        return;
      }
      long now = System.nanoTime();
      byte[] body = ar.result().getBytes();
      WebhookVerifier v = verifier;
      WebhookVerifier.Result result = v == null ? WebhookVerifier.Result.BAD_SIGNATURE
          : v.verify(req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"), body,
              req.getHeader("webhook-signature"));
      String id = result == WebhookVerifier.Result.OK ? AckParser.topLevelId(body) : null;
      if (id == null) {
        tracker.badSignature();
      } else {
        tracker.received(id, now);
      }
      req.response().setStatusCode(204).end();
    });
  }
}
