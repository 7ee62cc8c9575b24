package dev.kyanite.server.delivery;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again: a pure function of the attempt number, the outcome and the
 * receiver's {@code Retry-After}, fed by a schedule. Randomness (jitter) is injected.
 *
 * <ul>
 *   <li>A {@code 2xx} is {@link Decision.Kind#DELIVERED}; {@code 410 Gone} is
 *       {@link Decision.Kind#DISABLE_ENDPOINT} (no retry).</li>
 *   <li>After attempt {@code n} (1-based) the next one waits {@code schedule[n-1]} ± jitter; when
 *       the schedule is exhausted the delivery has {@link Decision.Kind#FAILED} (dead letter).</li>
 *   <li>{@code 429}/{@code 503} with {@code Retry-After}: that delay, clamped to
 *       [scheduled, 2 × scheduled] (no jitter: the receiver asked for a time).</li>
 *   <li>Overload (timeouts, {@code 429}): at least {@code overloadMinimum}.</li>
 * </ul>
 *
 * @param schedule delays between attempts; its size is the number of retries
 * @param jitter fraction, e.g. 0.2 for ±20 %
 * @param overloadMinimum lower bound of the delay after a timeout or a 429
 */
public record RetryPolicy(List<Duration> schedule, double jitter, Duration overloadMinimum) {

  /** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 28 hours. */
  public static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
      Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

  public RetryPolicy {
    schedule = List.copyOf(schedule);
    if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_SCHEDULE, 0.2, Duration.ofSeconds(60));
  }

  /** The same policy with another schedule (a per-endpoint override). */
  public RetryPolicy withSchedule(List<Duration> other) {
    return other == null ? this : new RetryPolicy(other, jitter, overloadMinimum);
  }

  /**
   * Decides after attempt {@code attempt} (1 for the first) ended with {@code outcome}.
   *
   * @param retryAfter the parsed {@code Retry-After}, or {@code null}
   * @param random uniform in [0, 1)
   */
  public Decision nextDelay(int attempt, AttemptOutcome outcome, Duration retryAfter, DoubleSupplier random) {
    if (outcome.success()) return Decision.DELIVERED;
    if (outcome.status() == 410) return Decision.DISABLE;
    if (attempt > schedule.size()) return Decision.FAILED;
    Duration scheduled = schedule.get(attempt - 1);
    Duration delay;
    if (retryAfter != null && (outcome.status() == 429 || outcome.status() == 503)) {
      Duration max = scheduled.multipliedBy(2);
      delay = retryAfter.compareTo(scheduled) < 0 ? scheduled : retryAfter.compareTo(max) > 0 ? max : retryAfter;
    } else {
      double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
      delay = Duration.ofNanos(Math.round(scheduled.toNanos() * factor));
    }
    if (outcome.overload() && delay.compareTo(overloadMinimum) < 0) delay = overloadMinimum;
    return new Decision(Decision.Kind.RETRY, delay);
  }

  /**
   * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date; {@code null} when absent or
   * unparseable (a negative or past value is zero).
   */
  public static Duration parseRetryAfter(String value, java.time.Instant now) {
    if (value == null || value.isBlank()) return null;
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException notSeconds) {
      try {
        java.time.Instant at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  /**
   * The verdict on a delivery after an attempt.
   *
   * @param kind what to do
   * @param delay how long to wait before the next attempt ({@link Kind#RETRY} only), else null
   */
  public record Decision(Kind kind, Duration delay) {
    static final Decision DELIVERED = new Decision(Kind.DELIVERED, null);
    static final Decision FAILED = new Decision(Kind.FAILED, null);
    static final Decision DISABLE = new Decision(Kind.DISABLE_ENDPOINT, null);

    public enum Kind { DELIVERED, RETRY, FAILED, DISABLE_ENDPOINT }
  }
}
