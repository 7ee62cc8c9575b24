package dev.kyanite.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The generator's own connections, one per slot for HTTP/1.1 (so no pipelining and no pool
 * bookkeeping per request) or one per {@code h2Streams} slots for HTTP/2. A connection that
 * closes is opened again by the next request of its slot. Confined to one event loop.
 */
final class SlotConnections {
  private final HttpClientAgent client;
  private final HttpConnectOptions connect;
  private final RequestOptions request;
  private final HttpClientConnection[] open;
  private final Future<HttpClientConnection>[] opening;

  @SuppressWarnings("unchecked")
  SlotConnections(HttpClientAgent client, LoadSpec spec, int slots, RequestOptions request) {
    this.client = client;
    this.request = request;
    this.connect = new HttpConnectOptions().setHost(spec.host()).setPort(spec.port()).setSsl(spec.https())
        .setConnectTimeout(spec.timeout().toMillis());
    int n = spec.http2() ? Math.max(1, (slots + spec.h2Streams() - 1) / spec.h2Streams()) : slots;
    this.open = new HttpClientConnection[n];
    this.opening = new Future[n];
  }

  /**
   * Opens every connection up front, so that connection set-up is not part of the measured
   * latencies; completes when all are open (or failed: failed ones are retried on use).
   */
  Future<Void> openAll() {
    java.util.List<Future<HttpClientConnection>> all = new java.util.ArrayList<>();
    for (int i = 0; i < open.length; i++) {
      all.add(open(i));
    }
    return Future.join(all).otherwiseEmpty().mapEmpty();
  }

  /** A request on the slot's connection (opening it first if needed). */
  Future<HttpClientRequest> request(int slot) {
    int i = slot % open.length;
    HttpClientConnection c = open[i];
    if (c != null) {
      return c.request(request);
    }
    return open(i).compose(conn -> conn.request(request));
  }

  private Future<HttpClientConnection> open(int i) {
    Future<HttpClientConnection> f = opening[i];
    if (f == null) {
      f = client.connect(connect).onComplete(ar -> {
        opening[i] = null;
        if (ar.succeeded()) {
          HttpClientConnection conn = ar.result();
          open[i] = conn;
          conn.closeHandler(v -> {
            if (open[i] == conn) {
              open[i] = null;
            }
          });
        }
      });
      opening[i] = f;
    }
    return f;
  }
}
