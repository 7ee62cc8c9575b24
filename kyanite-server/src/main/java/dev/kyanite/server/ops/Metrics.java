package dev.kyanite.server.ops;

import dev.kyanite.server.config.ConfigKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The Prometheus registry with JVM and process metrics. Feature meters are registered once at
 * mount time; the request path only increments pre-built counters (no tag maps per request).
 */
public final class Metrics {
  public static final ConfigKey<Boolean> PUBLIC = ConfigKey.bool("metrics.public", false,
      "Serve `GET /metrics` without an API key (otherwise it needs the `admin` scope).");

  private Metrics() {}

  public static List<ConfigKey<?>> keys() {
    return List.of(PUBLIC);
  }

  /** An empty registry; {@link #bindJvm} adds the JVM and process meters. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Binds JVM memory, GC, threads, class loading, CPU, uptime and file-descriptor meters. Slow the
   * first time (JMX); the server calls it off the startup path.
   *
   * @return closes the GC listener
   */
  public static AutoCloseable bindJvm(MeterRegistry r) {
    new JvmMemoryMetrics().bindTo(r);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    return gc;
  }
}
