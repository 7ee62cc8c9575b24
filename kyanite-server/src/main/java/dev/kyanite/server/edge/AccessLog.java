package dev.kyanite.server.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every response by status class (five pre-registered counters, no per-request tags) and,
 * when enabled, writes one access log line per request to the {@code kyanite.access} logger:
 * {@code METHOD path status bytes ms rid=…}. Never logs headers or bodies (they carry secrets).
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("kyanite.access");
  private final boolean enabled;
  private final Counter[] byClass = new Counter[6];

  public AccessLog(boolean enabled, MeterRegistry registry) {
    this.enabled = enabled;
    for (int c = 1; c <= 5; c++) {
      byClass[c] = Counter.builder("kyanite.http.responses").tag("class", c + "xx")
          .description("HTTP responses by status class").register(registry);
    }
  }

  /** Counts (and, when enabled, logs) the response once it is sent. */
  void apply(RoutingContext rc) {
    long start = enabled ? System.nanoTime() : 0;
    rc.addEndHandler(ar -> {
      int status = rc.response().getStatusCode();
      int cls = status / 100;
      if (cls >= 1 && cls <= 5) byClass[cls].increment();
      if (enabled && LOG.isInfoEnabled()) {
        long micros = (System.nanoTime() - start) / 1000;
        LOG.info("{} {} {} {} {}us rid={}", rc.request().method(), rc.request().path(), status,
            rc.response().bytesWritten(), micros, RequestIds.get(rc));
      }
    });
  }
}
