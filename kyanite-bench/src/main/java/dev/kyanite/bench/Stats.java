package dev.kyanite.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and the ack-latency recorder shared by the generator threads (writers) and the
 * reporting thread (the single reader). Latencies are recorded in microseconds. Everything is
 * counted from the start; {@link #startMeasuring} marks the end of the warm-up, and totals are
 * reported relative to that mark.
 */
final class Stats {
  static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

  final LongAdder requests = new LongAdder();
  final LongAdder events = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
  private final Histogram measured = new Histogram(MAX_LATENCY_MICROS, 3);
  private Histogram interval;
  private volatile boolean measuring;
  /** System.nanoTime of the end of the warm-up, once {@link #measuring}. */
  private volatile long measureFrom;
  private long baseRequests;
  private long baseEvents;
  private Map<String, Long> baseErrors = Map.of();
  /**
   * Makes a response's three records (request, events, latency) atomic with respect to the start
   * of the measured window: without it a response counted before the mark could have its latency
   * recorded after it (seen: one latency more than requests). Shared by the senders, exclusive for
   * the mark.
   */
  private final java.util.concurrent.locks.ReadWriteLock mark = new java.util.concurrent.locks.ReentrantReadWriteLock();

  /**
   * A successful (2xx) response carrying {@code eventCount} accepted events, to a request due at
   * {@code intendedNanos} (System.nanoTime) and answered at {@code nowNanos}. In open loop, once
   * measuring, the latency of a request that was due before the warm-up ended is not recorded (its
   * response still counts towards throughput): a server still cold at the end of the warm-up would
   * otherwise carry the warm-up's queue, seconds long, into the measured percentiles. In closed
   * loop every latency is recorded (a request in flight across the mark is at most one per slot).
   */
  void success(long intendedNanos, long nowNanos, int eventCount, boolean openLoop) {
    mark.readLock().lock();
    try {
      requests.increment();
      events.add(eventCount);
      if (!openLoop || !measuring || intendedNanos - measureFrom >= 0) {
        recorder.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, (nowNanos - intendedNanos) / 1000)));
      }
    } finally {
      mark.readLock().unlock();
    }
  }

  /** A failure, keyed by HTTP status ("503") or a short cause ("connect", "timeout"). */
  void error(String key) {
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Events of a partly rejected batch: they count as errors under "rejected". */
  void rejected(int count) {
    errors.computeIfAbsent("rejected", k -> new LongAdder()).add(count);
  }

  boolean measuring() {
    return measuring;
  }

  /** Reader only: ends the warm-up at {@code markNanos} (System.nanoTime); what was recorded so far is discarded. */
  void startMeasuring(long markNanos) {
    mark.writeLock().lock();
    try {
      measureFrom = markNanos;
      interval = recorder.getIntervalHistogram(interval);
      baseRequests = requests.sum();
      baseEvents = events.sum();
      baseErrors = errorSnapshot(Map.of());
      measured.reset();
      measuring = true;
    } finally {
      mark.writeLock().unlock();
    }
  }

  /** Reader only: moves what was recorded since the last call into the measured histogram. */
  Histogram sample() {
    interval = recorder.getIntervalHistogram(interval);
    if (measuring) {
      measured.add(interval);
    }
    return interval;
  }

  Histogram measured() {
    return measured;
  }

  long measuredRequests() {
    return requests.sum() - baseRequests;
  }

  long measuredEvents() {
    return events.sum() - baseEvents;
  }

  /** Errors by key since the warm-up ended (or since the start while warming up). */
  Map<String, Long> measuredErrors() {
    return errorSnapshot(baseErrors);
  }

  long errorTotal() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private Map<String, Long> errorSnapshot(Map<String, Long> base) {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> {
      long n = v.sum() - base.getOrDefault(k, 0L);
      if (n > 0) {
        out.put(k, n);
      }
    });
    return out;
  }
}
