package dev.kyanite.server.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the events (and their bytes) accepted for appending but not yet durable, so that memory
 * stays flat when the log is slower than the clients: over the bound, ingest answers {@code 503}
 * with {@code Retry-After} instead of queueing. A single request larger than the bound still
 * passes when nothing else is in flight, so a legal batch is never refused forever. Lock-free.
 */
final class InFlightLimiter {
  private final long maxEvents;
  private final long maxBytes;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  InFlightLimiter(long maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  boolean tryAcquire(int n, long size) {
    long e = events.addAndGet(n);
    long b = bytes.addAndGet(size);
    if ((e > maxEvents && e != n) || (b > maxBytes && b != size)) {
      release(n, size);
      return false;
    }
    return true;
  }

  void release(int n, long size) {
    events.addAndGet(-n);
    bytes.addAndGet(-size);
  }

  long events() {
    return events.get();
  }

  long bytes() {
    return bytes.get();
  }
}
