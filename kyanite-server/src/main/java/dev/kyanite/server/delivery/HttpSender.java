package dev.kyanite.server.delivery;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * Sends one signed webhook attempt over the shared, pooled keep-alive HTTP client and classifies
 * what happened. Never fails its future: every failure is an {@link AttemptResult}. The whole
 * attempt (resolve, connect, send, response body) is bounded by the endpoint's timeout.
 */
final class HttpSender {
  private static final CharSequence CONTENT_TYPE = HttpHeaderNames.CONTENT_TYPE;
  private static final CharSequence APPLICATION_JSON = "application/json";

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final TargetResolver resolver;
  private final Clock clock;
  private final int bodyLimit;
  private final CharSequence userAgent;

  HttpSender(Vertx vertx, HttpClientAgent client, TargetResolver resolver, Clock clock, int bodyLimit, String userAgent) {
    this.vertx = vertx;
    this.client = client;
    this.resolver = resolver;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
    this.userAgent = userAgent;
  }

  Future<AttemptResult> send(Target target, Map<String, String> customHeaders, List<byte[]> keys, long timeoutMs,
      DeliveryTask task) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    Promise<AttemptResult> result = Promise.promise();
    AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    long timer = vertx.setTimer(timeoutMs, id -> {
      timedOut.set(true);
      HttpClientRequest req = inFlight.get();
      if (req != null) req.reset(); // frees the pooled connection instead of waiting for a slow receiver
      result.tryComplete(new AttemptResult(AttemptOutcome.error(AttemptOutcome.TIMEOUT), null, started, millisSince(t0),
          null, "no response within " + timeoutMs + " ms"));
    });
    resolver.resolve(target.host())
        .compose(address -> request(target, address, customHeaders, keys, timeoutMs, task, timedOut, inFlight))
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) {
            Response r = ar.result();
            AttemptOutcome o = AttemptOutcome.http(r.status);
            result.tryComplete(new AttemptResult(o, RetryPolicy.parseRetryAfter(r.retryAfter, clock.instant()), started,
                millisSince(t0), r.body, null));
          } else {
            result.tryComplete(new AttemptResult(AttemptOutcome.error(classify(ar.cause())), null, started,
                millisSince(t0), null, String.valueOf(ar.cause().getMessage())));
          }
        });
    return result.future();
  }

  private record Response(int status, String retryAfter, String body) {}

  private Future<Response> request(Target target, InetAddress address, Map<String, String> customHeaders,
      List<byte[]> keys, long timeoutMs, DeliveryTask task, AtomicBoolean timedOut,
      AtomicReference<HttpClientRequest> inFlight) {
    long ts = clock.millis() / 1000;
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.requestUri())
        .setServer(SocketAddress.inetSocketAddress(new java.net.InetSocketAddress(address, target.port()))) // checked address, no lookup
        .setConnectTimeout(timeoutMs)
        .setFollowRedirects(false);
    MultiMap h = options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : options.getHeaders();
    customHeaders.forEach(h::set);
    h.set(CONTENT_TYPE, APPLICATION_JSON);
    h.set(HttpHeaderNames.USER_AGENT, userAgent);
    h.set("webhook-id", task.msgId);
    h.set("webhook-timestamp", Long.toString(ts));
    h.set("webhook-signature", WebhookSigner.header(keys, task.msgId, ts, task.body));
    options.setHeaders(h);
    return client.request(options).compose(req -> {
      inFlight.set(req);
      if (timedOut.get()) {
        req.reset();
        return Future.failedFuture(new TimeoutException());
      }
      return req.send(Buffer.buffer(task.body)).compose(this::readCapped);
    });
  }

  private Future<Response> readCapped(HttpClientResponse resp) {
    Promise<Response> p = Promise.promise();
    Buffer kept = Buffer.buffer();
    resp.handler(chunk -> {
      int room = bodyLimit - kept.length();
      if (room > 0) kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
    });
    resp.exceptionHandler(p::tryFail);
    resp.endHandler(v -> p.tryComplete(new Response(resp.statusCode(), resp.getHeader("retry-after"),
        kept.length() == 0 ? null : kept.toString(StandardCharsets.UTF_8))));
    return p.future();
  }

  static String classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SsrfGuard.SsrfRefusedException) return AttemptOutcome.SSRF_REFUSED;
      if (c instanceof UnknownHostException) return AttemptOutcome.DNS;
      if (c instanceof SSLException) return AttemptOutcome.TLS;
      if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) return AttemptOutcome.TIMEOUT;
      if (c instanceof ConnectException) return AttemptOutcome.CONNECTION;
    }
    return AttemptOutcome.CONNECTION;
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
