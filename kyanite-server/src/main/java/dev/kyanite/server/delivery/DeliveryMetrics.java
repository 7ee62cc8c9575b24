package dev.kyanite.server.delivery;

import java.util.concurrent.atomic.LongAdder;

/**
 * Delivery counters, cheap enough for the hot path (striped adders). The metrics feature reads
 * them; nothing here depends on a metrics library.
 */
public final class DeliveryMetrics {
  private final LongAdder attempts = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder filtered = new LongAdder();
  private final LongAdder parked = new LongAdder();
  private final LongAdder attemptFailures = new LongAdder();
  private final LongAdder attemptMillis = new LongAdder();

  void attemptStarted() {
    attempts.increment();
    inFlight.increment();
  }

  void attemptFinished(AttemptOutcome o, long millis) {
    inFlight.decrement();
    attemptMillis.add(millis);
    if (!o.success()) attemptFailures.increment();
  }

  void onDelivered() {
    delivered.increment();
  }

  void onFailed() {
    failed.increment();
  }

  void onFailed(long n) {
    failed.add(n);
  }

  void onFiltered() {
    filtered.increment();
  }

  /** (Event, endpoint) pairs not sent because a rule or the endpoint's filter left them out. */
  public long filtered() {
    return filtered.sum();
  }

  void parked(int n) {
    parked.add(n);
  }

  /** Attempts started. */
  public long attempts() {
    return attempts.sum();
  }

  /** Attempts without a 2xx. */
  public long attemptFailures() {
    return attemptFailures.sum();
  }

  /** Requests now in flight. */
  public long inFlight() {
    return inFlight.sum();
  }

  /** Deliveries that got a 2xx. */
  public long delivered() {
    return delivered.sum();
  }

  /** Deliveries that reached the dead-letter state. */
  public long failed() {
    return failed.sum();
  }

  /** Pairs moved from memory to the store (slow endpoint, open circuit, full queue). */
  public long parked() {
    return parked.sum();
  }

  /** Sum of attempt durations, for a mean. */
  public long attemptMillis() {
    return attemptMillis.sum();
  }
}
