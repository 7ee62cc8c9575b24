package dev.kyanite.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/** Builds the Vert.x HTTP clients: keep-alive, no pipelining, HTTP/1.1 or HTTP/2 (h2c or h2). */
final class Clients {
  private Clients() {}

  static HttpClientOptions options(LoadSpec spec) {
    HttpClientOptions o = new HttpClientOptions()
        .setKeepAlive(true)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.timeout().toMillis()))
        .setIdleTimeout((int) Math.max(1, spec.timeout().toSeconds()))
        .setDefaultHost(spec.host())
        .setDefaultPort(spec.port())
        .setSsl(spec.https());
    if (spec.https()) {
      o.setTrustAll(spec.insecure()).setVerifyHost(!spec.insecure());
    }
    if (spec.http2()) {
      o.setProtocolVersion(HttpVersion.HTTP_2).setHttp2MultiplexingLimit(spec.h2Streams());
      if (spec.https()) {
        o.setUseAlpn(true);
      } else {
        o.setHttp2ClearTextUpgrade(false); // h2c with prior knowledge
      }
    }
    return o;
  }

  /** A client whose pool holds up to {@code concurrency} requests in flight. */
  static HttpClientAgent create(Vertx vertx, LoadSpec spec, int concurrency) {
    int h2Connections = Math.max(1, (concurrency + spec.h2Streams() - 1) / spec.h2Streams());
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(Math.max(1, concurrency))
        .setHttp2MaxSize(h2Connections)
        .setMaxWaitQueueSize(-1);
    return vertx.httpClientBuilder().with(options(spec)).with(pool).build();
  }
}
