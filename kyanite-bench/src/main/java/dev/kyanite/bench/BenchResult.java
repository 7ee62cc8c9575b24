package dev.kyanite.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as the final table and as JSON ({@code --json FILE}). Latencies are
 * microseconds in JSON and milliseconds in the table. Rates are per second of the measured
 * window (after the warm-up).
 */
record BenchResult(
    LoadSpec spec,
    double seconds,
    long requests,
    long events,
    Map<String, Long> errors,
    Histogram latency,
    double generatorCpuSeconds,
    E2e e2e) {

  /** End-to-end figures; null unless {@code --e2e}. */
  record E2e(String receiverUrl, String endpointId, long deliveredInWindow, double drainSeconds,
      double spanSeconds, DeliveryTracker.Summary summary, Histogram latency) {

    /** Deliveries per second from the first ack to the last delivery (warm-up and drain included). */
    double overallPerSecond() {
      return spanSeconds > 0 ? summary.delivered() / spanSeconds : 0;
    }
  }

  /** Share of the generator threads' time spent on CPU during the window (1.0 = saturated). */
  double generatorBusy() {
    return generatorCpuSeconds / (seconds * spec.threads());
  }

  double generatorMicrosPerRequest() {
    long total = requests + errorCount();
    return total == 0 ? 0 : generatorCpuSeconds * 1e6 / total;
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  double requestsPerSecond() {
    return requests / seconds;
  }

  double eventsPerSecond() {
    return events / seconds;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", spec.url().toString());
    m.put("mode", spec.mode().name().toLowerCase(Locale.ROOT));
    m.put("batch_size", spec.eventsPerRequest());
    m.put("event_size", spec.eventSize());
    m.put("type", spec.type());
    m.put("connections", spec.connections());
    m.put("threads", spec.threads());
    m.put("rate", spec.rate() > 0 ? spec.rate() : null);
    m.put("http2", spec.http2());
    m.put("warmup_s", spec.warmup().toMillis() / 1000.0);
    m.put("duration_s", round(seconds));
    m.put("requests", requests);
    m.put("events", events);
    m.put("requests_per_s", round(requestsPerSecond()));
    m.put("events_per_s", round(eventsPerSecond()));
    m.put("errors", errorCount());
    m.put("errors_by_status", errors);
    m.put("latency_us", percentiles(latency));
    m.put("generator_cpu_us_per_request", round(generatorMicrosPerRequest()));
    m.put("generator_busy", Math.round(generatorBusy() * 1000) / 1000.0);
    if (e2e != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("receiver", e2e.receiverUrl());
      e.put("endpoint", e2e.endpointId());
      e.put("acked", e2e.summary().acked());
      e.put("delivered", e2e.summary().delivered());
      e.put("delivered_in_window", e2e.deliveredInWindow());
      e.put("delivered_per_s", round(e2e.deliveredInWindow() / seconds));
      e.put("delivered_overall_per_s", round(e2e.overallPerSecond()));
      e.put("drain_s", round(e2e.drainSeconds()));
      e.put("missing", e2e.summary().missing());
      e.put("duplicates", e2e.summary().duplicates());
      e.put("bad_signatures", e2e.summary().badSignatures());
      e.put("unexpected", e2e.summary().unexpected());
      e.put("ack_to_receipt_us", percentiles(e2e.latency()));
      m.put("e2e", e);
    }
    return m;
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "kyanite bench  %s  mode=%s  event=%dB%s  connections=%d  %s  %s%n",
        spec.target(),
        spec.mode().name().toLowerCase(Locale.ROOT), spec.eventSize(),
        spec.mode() == Mode.SINGLE ? "" : "  batch=" + spec.batchSize(), spec.connections(),
        spec.rate() > 0 ? String.format(Locale.ROOT, "rate=%.0f/s", spec.rate()) : "rate=max",
        spec.http2() ? "HTTP/2" : "HTTP/1.1"));
    sb.append(String.format(Locale.ROOT, "measured %.1f s after %.1f s warm-up%n", seconds,
        spec.warmup().toMillis() / 1000.0));
    sb.append(String.format(Locale.ROOT, "  %-14s %14s %16s%n", "", "total", "per second"));
    sb.append(String.format(Locale.ROOT, "  %-14s %,14d %,16.1f%n", "requests", requests, requestsPerSecond()));
    sb.append(String.format(Locale.ROOT, "  %-14s %,14d %,16.1f%n", "events", events, eventsPerSecond()));
    sb.append(String.format(Locale.ROOT, "  %-14s %,14d%n", "errors", errorCount()));
    errors.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "    %-12s %,14d%n", k, v)));
    sb.append(latencyLine("ack latency", latency));
    sb.append(String.format(Locale.ROOT, "  %-14s %.1f µs CPU a request, %.0f%% busy (%d thread%s)%s%n", "generator",
        generatorMicrosPerRequest(), 100 * generatorBusy(), spec.threads(), spec.threads() == 1 ? "" : "s",
        generatorBusy() > 0.9 ? "  — SATURATED: the figures may be the generator's limit; try --threads or another core" : ""));
    if (e2e != null) {
      DeliveryTracker.Summary s = e2e.summary();
      sb.append(String.format(Locale.ROOT, "end-to-end (receiver %s, endpoint %s)%n", e2e.receiverUrl(), e2e.endpointId()));
      sb.append(String.format(Locale.ROOT, "  %-14s %,14d %,16.1f  (in the measured window)%n", "delivered",
          e2e.deliveredInWindow(), e2e.deliveredInWindow() / seconds));
      sb.append(String.format(Locale.ROOT, "  %-14s %,14d %,16.1f  (first ack to last delivery, %.1f s)%n", "",
          s.delivered(), e2e.overallPerSecond(), e2e.spanSeconds()));
      sb.append(latencyLine("ack→receipt", e2e.latency()));
      sb.append(String.format(Locale.ROOT,
          "  acked %,d  delivered %,d  missing %,d  duplicates %,d  bad signatures %,d  unexpected %,d  (drain %.1f s)%n",
          s.acked(), s.delivered(), s.missing(), s.duplicates(), s.badSignatures(), s.unexpected(),
          e2e.drainSeconds()));
    }
    return sb.toString();
  }

  static String latencyLine(String label, Histogram h) {
    return String.format(Locale.ROOT, "  %-14s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s (ms, n=%,d)%n", label,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
  }

  static String ms(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }

  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("p50", h.getValueAtPercentile(50));
    m.put("p90", h.getValueAtPercentile(90));
    m.put("p99", h.getValueAtPercentile(99));
    m.put("p99_9", h.getValueAtPercentile(99.9));
    m.put("max", h.getMaxValue());
    m.put("mean", round(h.getMean()));
    return m;
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : 0;
  }
}
