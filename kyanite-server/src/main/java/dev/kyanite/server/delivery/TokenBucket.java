package dev.kyanite.server.delivery;

/**
 * A token bucket for an endpoint's {@code rate_limit}: {@code rate} tokens a second, bursts up to
 * {@code max(1, rate)}. Time is passed in (nanoseconds from any fixed origin). Not thread-safe.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double capacity;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, long nowNanos) {
    if (perSecond <= 0) throw new IllegalArgumentException("rate must be > 0");
    this.ratePerNano = perSecond / 1e9;
    this.capacity = Math.max(1, perSecond);
    this.tokens = capacity;
    this.last = nowNanos;
  }

  /** Takes a token if one is available now. */
  boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  /** Nanoseconds until a token is available (0 if one is now). */
  long nanosUntilToken(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
  }

  private void refill(long nowNanos) {
    if (nowNanos > last) {
      tokens = Math.min(capacity, tokens + (nowNanos - last) * ratePerNano);
      last = nowNanos;
    }
  }
}
