package dev.kyanite.server;

/**
 * A token bucket: {@code capacity} tokens, refilled continuously at {@code ratePerSecond}; used by
 * the API keys' rate limits and the endpoints' {@code rate_limit}. Pure
 * arithmetic over a caller-supplied monotonic time in nanoseconds, so tests drive it with any
 * clock. Thread-safe (one monitor; contention is per key and the critical section is a few
 * arithmetic operations).
 */
public final class TokenBucket {
  private final double ratePerNano;
  private final double capacity;
  private double tokens;
  private long last;

  /**
   * @param ratePerSecond refill rate, &gt; 0
   * @param capacity burst size, ≥ 1
   * @param nowNanos the time the bucket is created (it starts full)
   */
  public TokenBucket(double ratePerSecond, double capacity, long nowNanos) {
    if (!(ratePerSecond > 0) || capacity < 1) throw new IllegalArgumentException("rate must be > 0 and capacity >= 1");
    this.ratePerNano = ratePerSecond / 1e9;
    this.capacity = capacity;
    this.tokens = capacity;
    this.last = nowNanos;
  }

  /**
   * Takes one token if available.
   *
   * @return {@code ≥ 0}: allowed, the whole tokens left; {@code < 0}: refused, minus the
   *     nanoseconds until a token is available
   */
  public synchronized long tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return (long) tokens;
    }
    return -Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
  }

  /** Nanoseconds until a token is available (0 if one is now); takes nothing. */
  public synchronized long nanosUntilToken(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
  }

  /** Nanoseconds until the bucket is full again (0 when full). */
  public synchronized long nanosUntilFull(long nowNanos) {
    refill(nowNanos);
    return (long) Math.ceil((capacity - tokens) / ratePerNano);
  }

  public long limit() {
    return (long) capacity;
  }

  private void refill(long now) {
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * ratePerNano);
      last = now;
    }
  }
}
