package dev.kyanite.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one benchmark: starts the generator threads (and, end to end, the receiver and its
 * endpoint), prints a progress line every second, measures after the warm-up, stops, waits for
 * deliveries to drain, cleans up. Called from the command's thread, which only reads the stats.
 */
final class BenchRun {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final LoadSpec spec;
  private final boolean e2e;
  private final Duration drain;
  private final PrintStream progress;

  /** @param progress where the progress line goes, or null for none */
  BenchRun(LoadSpec spec, boolean e2e, Duration drain, PrintStream progress) {
    this.spec = spec;
    this.e2e = e2e;
    this.drain = drain;
    this.progress = progress;
  }

  BenchResult run() throws Exception {
    int loops = spec.threads() + (e2e ? 1 : 0);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2)
            .setInternalBlockingPoolSize(2).setBlockedThreadCheckInterval(10_000))
        .build();
    AdminClient admin = null;
    AdminClient.Endpoint endpoint = null;
    try {
      Stats stats = new Stats();
      DeliveryTracker tracker = null;
      WebhookReceiver receiver = null;
      if (e2e) {
        tracker = new DeliveryTracker(spec.mode());
        receiver = new WebhookReceiver(tracker);
        vertx.deployVerticle(receiver).await(10, TimeUnit.SECONDS);
        admin = new AdminClient(vertx, spec);
        endpoint = admin.register(receiver.url(), List.of(endpointPattern(spec.type())));
        receiver.secret(endpoint.secret());
        note("webhook receiver %s registered as endpoint %s", receiver.url(), endpoint.id());
      }
      Buffer[] bodies = Payloads.bodies(spec.mode(), spec.type(), spec.eventSize(), spec.batchSize());
      List<Generator> generators = new ArrayList<>();
      for (int i = 0; i < spec.threads(); i++) {
        int share = spec.connections() / spec.threads() + (i < spec.connections() % spec.threads() ? 1 : 0);
        Generator g = new Generator(spec, share, spec.rate() / spec.threads(), bodies, stats, tracker);
        vertx.deployVerticle(g).await(spec.timeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        generators.add(g);
      }

      long start = System.nanoTime();
      long warmEnd = start + spec.warmup().toNanos();
      long measureStart = start;
      boolean measuring = false;
      long cpuAtStart = 0;
      long nextTick = start + SECOND;
      Progress line = new Progress(start, stats, tracker);
      while (true) {
        long now = System.nanoTime();
        if (!measuring && now - warmEnd >= 0) {
          stats.startMeasuring(now);
          for (Generator g : generators) g.startMeasuring(now);
          if (tracker != null) {
            tracker.window(true);
          }
          measuring = true;
          measureStart = now;
          cpuAtStart = generatorCpu(generators);
        }
        if (now - nextTick >= 0) {
          line.print(now, measuring);
          nextTick += SECOND;
        }
        long end = warmEnd + spec.duration().toNanos();
        if (measuring && now - end >= 0) {
          break;
        }
        long wake = Math.min(nextTick, measuring ? end : warmEnd);
        LockSupport.parkNanos(Math.max(0, wake - System.nanoTime()));
      }
      if (tracker != null) {
        tracker.window(false);
      }
      // stop sending, let the requests in flight finish, then read quiesced counters; the window
      // is [end of warm-up, halt], and the few answers that arrive after the halt count in it
      double seconds = (System.nanoTime() - measureStart) / 1e9;
      double cpuSeconds = (generatorCpu(generators) - cpuAtStart) / 1e9;
      List<Future<Void>> halts = new ArrayList<>();
      generators.forEach(g -> halts.add(g.halt()));
      try {
        Future.all(halts).await(spec.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        note("some requests were still in flight when the run ended");
      }
      stats.sample();
      long requests = stats.measuredRequests();
      long events = stats.measuredEvents();
      var errors = stats.measuredErrors();
      Histogram latency = stats.measured().copy();

      BenchResult.E2e e2eResult = null;
      if (tracker != null) {
        double drained = awaitDeliveries(tracker);
        tracker.sample();
        e2eResult = new BenchResult.E2e(receiver.url(), endpoint.id(), tracker.windowReceipts.sum(),
            drained, tracker.span(), tracker.summary(), tracker.measured().copy());
      }
      return new BenchResult(spec, seconds, requests, events, errors, latency, cpuSeconds, e2eResult);
    } finally {
      if (endpoint != null) {
        try {
          int status = admin.delete(endpoint.id());
          if (status / 100 != 2) {
            note("deleting endpoint %s answered HTTP %d", endpoint.id(), status);
          }
        } catch (Exception e) {
          note("could not delete endpoint %s: %s", endpoint.id(), e);
        }
      }
      if (admin != null) {
        admin.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Waits until every acked event was delivered, or until nothing arrived for the drain time. */
  private double awaitDeliveries(DeliveryTracker tracker) {
    long begin = System.nanoTime();
    long lastProgress = begin;
    long lastReceipts = tracker.receipts.sum();
    while (tracker.pending() > 0) {
      LockSupport.parkNanos(SECOND / 4);
      long now = System.nanoTime();
      long receipts = tracker.receipts.sum();
      if (receipts != lastReceipts) {
        lastReceipts = receipts;
        lastProgress = now;
      } else if (now - lastProgress >= drain.toNanos()) {
        break;
      }
      if (progress != null && (now - begin) / SECOND != (now - begin - SECOND / 4) / SECOND) {
        progress.printf(Locale.ROOT, "[drain %3ds] waiting for %,d deliveries%n", (now - begin) / SECOND,
            tracker.pending());
      }
    }
    return (System.nanoTime() - begin) / 1e9;
  }

  /** CPU nanoseconds used so far by the generator threads (0 where the JVM cannot tell). */
  private static long generatorCpu(List<Generator> generators) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Generator g : generators) {
      Thread t = g.thread();
      long cpu = t == null || !mx.isThreadCpuTimeSupported() ? -1 : mx.getThreadCpuTime(t.getId());
      sum += Math.max(0, cpu);
    }
    return sum;
  }

  /** The endpoint's event-type filter: {@code bench.*} for the default types, else the type. */
  static String endpointPattern(String type) {
    return type.startsWith("bench.") ? "bench.*" : type;
  }

  private void note(String format, Object... args) {
    if (progress != null) {
      progress.println("kyanite bench: " + String.format(Locale.ROOT, format, args));
    }
  }

  /** The once-a-second progress line. */
  private final class Progress {
    private final long start;
    private final Stats stats;
    private final DeliveryTracker tracker;
    private long lastNanos;
    private long lastRequests;
    private long lastEvents;
    private long lastReceipts;

    Progress(long start, Stats stats, DeliveryTracker tracker) {
      this.start = start;
      this.stats = stats;
      this.tracker = tracker;
      this.lastNanos = start;
    }

    void print(long now, boolean measuring) {
      Histogram interval = stats.sample();
      if (tracker != null) {
        tracker.sample();
      }
      long requests = stats.requests.sum();
      long events = stats.events.sum();
      double dt = Math.max(1e-9, (now - lastNanos) / 1e9);
      long p99 = measuring ? stats.measured().getValueAtPercentile(99) : interval.getValueAtPercentile(99);
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "[%4ds%s] %,11.0f req/s %,12.0f events/s  errors %,d  p99 %s ms",
          (now - start + SECOND / 2) / SECOND, measuring ? "" : " warm-up", (requests - lastRequests) / dt,
          (events - lastEvents) / dt, stats.errorTotal(), BenchResult.ms(p99)));
      if (tracker != null) {
        long receipts = tracker.receipts.sum();
        sb.append(String.format(Locale.ROOT, "  delivered %,.0f/s  pending %,d",
            (receipts - lastReceipts) / dt, tracker.pending()));
        lastReceipts = receipts;
      }
      lastNanos = now;
      lastRequests = requests;
      lastEvents = events;
      if (progress != null) {
        progress.println(sb);
      }
    }
  }
}
