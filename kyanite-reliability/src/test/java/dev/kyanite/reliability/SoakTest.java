package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7, soak: the server's capacity is probed for a few seconds, then an open-loop client
 * sends at about half of it for a fixed time (20 s, 5 min with {@code -Dkyanite.long=true}) with
 * tiny segments and a seconds-long retention. Compared between the first and the last third:
 * throughput and p99 stay flat, and so do heap and open file descriptors; retention has deleted
 * old segments by the end.
 */
@Order(7)
class SoakTest {
  @TempDir Path dir;

  private record Third(double rate, long p99Micros, double maxHeapMiB, long maxFds, long maxFileFds) {}

  @Test
  void halfLoadStaysFlatAndRetentionDeletesOldSegments() throws Exception {
    int seconds = Suite.pick(21, 300);
    try (WebhookReceiver receiver = new WebhookReceiver();
        ChildServer server = Suite.server("soak", dir)) {
      server.set("log.segment-bytes", "64KiB").set("log.segment-age", "1s").set("log.retention", "3s")
          .set("log.retention-check-interval", "1s");
      server.start();
      Api api = Api.admin(server);
      if (Suite.deliveryAvailable()) api.createEndpoint(receiver.url());
      double capacity = probeCapacity(api, 3_000);
      double target = Math.max(20, Math.min(capacity / 2, 3_000));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/events");
      List<Queue<Long>> latencies = List.of(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
      double[] maxHeap = new double[3];
      long[] maxFds = new long[3];
      long[] maxFileFds = new long[3];
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger overrun = new AtomicInteger();
      Semaphore inFlight = new Semaphore(256);
      long start = System.nanoTime();
      long periodNanos = (long) (1e9 / target);
      long next = start;
      long nextSample = start;
      long end = start + seconds * 1_000_000_000L;
      int sent = 0;
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        int third = (int) Math.min(2, (now - start) * 3 / (end - start));
        if (now >= nextSample) {
          maxHeap[third] = Math.max(maxHeap[third], Metrics.heapUsedBytes(api) / (1 << 20));
          maxFds[third] = Math.max(maxFds[third], server.openFiles());
          maxFileFds[third] = Math.max(maxFileFds[third], server.openNonSockets());
          nextSample = now + 1_000_000_000L;
        }
        if (now < next) {
          Thread.sleep(0, (int) Math.min(999_999, next - now));
          continue;
        }
        next += periodNanos;
        if (!inFlight.tryAcquire()) {
          overrun.incrementAndGet();
          continue;
        }
        long sentAt = System.nanoTime();
        Queue<Long> bucket = latencies.get(third);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + Suite.ADMIN_KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"soak.tick\",\"data\":{\"n\":" + sent++ + ",\"pad\":\""
                + "s".repeat(200) + "\"}}")).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          inFlight.release();
          if (e != null || r.statusCode() != 202) failures.incrementAndGet();
          else bucket.add((System.nanoTime() - sentAt) / 1_000);
        });
      }
      inFlight.acquire(256);
      List<Third> thirds = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        long[] l = latencies.get(t).stream().mapToLong(Long::longValue).sorted().toArray();
        thirds.add(new Third(l.length / (seconds / 3.0), l.length == 0 ? 0 : l[Math.max(0, (int) (l.length * 0.99) - 1)],
            maxHeap[t], maxFds[t], maxFileFds[t]));
      }
      int deletedSegments = deletedSegments(dir.resolve("log"));
      System.out.printf("soak: %d s at %.0f/s (capacity probe %.0f/s), %d sent, %d failed, %d over the in-flight bound; "
              + "first third %s, last third %s; segments deleted by retention (first base > 0): %d partitions; "
              + "delivered %d%n", seconds, target, capacity, sent, failures.get(), overrun.get(), thirds.get(0), thirds.get(2),
          deletedSegments, receiver.distinct());
      Third first = thirds.get(0);
      Third last = thirds.get(2);
      assertThat(failures.get()).as("requests not answered 202").isZero();
      assertThat(last.rate).as("throughput of the last third vs the first").isGreaterThan(first.rate * 0.8);
      assertThat(last.p99Micros).as("p99 of the last third (µs) vs the first %d", first.p99Micros)
          .isLessThan(first.p99Micros * 3 + 50_000);
      assertThat(last.maxHeapMiB).as("heap (MiB) of the last third vs the first").isLessThan(first.maxHeapMiB * 1.5 + 32);
      // sockets follow the clients' connection pools; files (segments, indexes, SQLite) must not leak
      assertThat(last.maxFileFds).as("open non-socket fds of the last third vs the first").isLessThan(first.maxFileFds + 16);
      assertThat(last.maxFds).as("all open fds of the last third vs the first").isLessThan(first.maxFds + 256);
      assertThat(deletedSegments).as("partitions whose oldest segments retention deleted").isPositive();
    }
  }

  /** Requests per second that 4 closed-loop clients get acknowledged. */
  private static double probeCapacity(Api api, long millis) throws Exception {
    AtomicInteger acked = new AtomicInteger();
    long until = System.currentTimeMillis() + millis;
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        try {
          while (System.currentTimeMillis() < until) {
            if (api.post("/v1/events", "{\"type\":\"soak.probe\",\"data\":{}}").statusCode() == 202) acked.incrementAndGet();
          }
        } catch (Exception e) {
          // counted as no capacity
        }
      });
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) t.join();
    return acked.get() * 1000.0 / millis;
  }

  /** Partitions whose first remaining segment no longer starts at position 0. */
  private static int deletedSegments(Path log) throws Exception {
    int n = 0;
    try (Stream<Path> parts = Files.list(log)) {
      for (Path p : parts.filter(Files::isDirectory).toList()) {
        try (Stream<Path> segs = Files.list(p)) {
          String first = segs.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".log")).sorted().findFirst().orElse("");
          if (!first.isEmpty() && !first.startsWith("00000000000000000000")) n++;
        }
      }
    }
    return n;
  }
}
