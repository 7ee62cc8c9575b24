package dev.kyanite.bench;

/**
 * Intended send times of an open-loop schedule at a fixed rate: request k is due at
 * {@code start + k / rate}. A request that cannot be sent on time (all connections busy) keeps
 * its intended time, so its latency includes the wait: the coordinated-omission correction.
 * Not thread-safe; one pacer per generator thread.
 */
final class Pacer {
  private final long startNanos;
  private final double intervalNanos;
  private long issued;

  Pacer(long startNanos, double ratePerSecond) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0");
    }
    this.startNanos = startNanos;
    this.intervalNanos = 1e9 / ratePerSecond;
  }

  /** True if the next request is due at {@code nowNanos}. */
  boolean due(long nowNanos) {
    return nextIntended() - nowNanos <= 0;
  }

  /** Takes the next request slot and returns its intended send time. */
  long take() {
    long t = nextIntended();
    issued++;
    return t;
  }

  /** Slots due at {@code nowNanos} but not yet taken (the backlog waiting for a connection). */
  long backlog(long nowNanos) {
    long due = (long) Math.floor((nowNanos - startNanos) / intervalNanos) + 1;
    return Math.max(0, due - issued);
  }

  /**
   * Drops the slots due before {@code markNanos} that were not taken yet (a backlog), keeping the
   * schedule: the next request is the first slot due at or after the mark. Slots already taken
   * past the mark stay taken, so no stretch of the schedule is sent twice.
   */
  void skipTo(long markNanos) {
    long first = (long) Math.ceil((markNanos - startNanos) / intervalNanos);
    issued = Math.max(issued, first);
  }

  private long nextIntended() {
    return startNanos + (long) (issued * intervalNanos);
  }
}
