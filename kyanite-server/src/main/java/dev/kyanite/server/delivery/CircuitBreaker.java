package dev.kyanite.server.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-endpoint circuit breaker: after {@code threshold} consecutive failed attempts the endpoint is
 * paused ({@link State#OPEN}) for a cool-down; then one probe request is let through
 * ({@link State#HALF_OPEN}). A successful probe closes the circuit and the backlog drains; a failed
 * one re-opens it with the cool-down doubled, up to {@code maxCoolDown}.
 *
 * <p>A pure state machine over an injected {@link Clock}. Not thread-safe: each endpoint's breaker
 * is used from that endpoint's single delivery context.
 */
final class CircuitBreaker {
  enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final Duration coolDown;
  private final Duration maxCoolDown;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Duration currentCoolDown;
  private Instant openUntil;
  private boolean probeInFlight;

  CircuitBreaker(int threshold, Duration coolDown, Duration maxCoolDown, Clock clock) {
    if (threshold < 1) throw new IllegalArgumentException("threshold must be >= 1");
    this.threshold = threshold;
    this.coolDown = coolDown;
    this.maxCoolDown = maxCoolDown;
    this.currentCoolDown = coolDown;
    this.clock = clock;
  }

  /** Whether a request may be sent now; in half-open state only the single probe may. */
  boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.instant().isBefore(openUntil)) return false;
        state = State.HALF_OPEN;
        probeInFlight = true;
        return true;
      default:
        if (probeInFlight) return false;
        probeInFlight = true;
        return true;
    }
  }

  void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    currentCoolDown = coolDown;
    probeInFlight = false;
    openUntil = null;
  }

  void onFailure() {
    if (state == State.HALF_OPEN) {
      Duration doubled = currentCoolDown.multipliedBy(2);
      currentCoolDown = doubled.compareTo(maxCoolDown) > 0 ? maxCoolDown : doubled;
      open();
      return;
    }
    if (state == State.CLOSED && ++consecutiveFailures >= threshold) open();
  }

  private void open() {
    state = State.OPEN;
    probeInFlight = false;
    openUntil = clock.instant().plus(currentCoolDown);
  }

  /** The state as of now (an expired open circuit reads as half-open-ready but stays OPEN until acquired). */
  State state() {
    return state;
  }

  /** When an open circuit lets a probe through, or null when not open. */
  Instant openUntil() {
    return state == State.OPEN ? openUntil : null;
  }
}
