package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.delivery.RetryPolicy.Decision;
import dev.kyanite.server.delivery.RetryPolicy.Decision.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = RetryPolicy.defaults();

  @Test
  void followsTheDefaultScheduleWithoutJitterAtTheMidpoint() {
    List<Duration> expected = RetryPolicy.DEFAULT_SCHEDULE;
    for (int attempt = 1; attempt <= expected.size(); attempt++) {
      Decision d = policy.nextDelay(attempt, AttemptOutcome.http(500), null, () -> 0.5);
      assertThat(d.kind()).isEqualTo(Kind.RETRY);
      assertThat(d.delay()).isEqualTo(expected.get(attempt - 1));
    }
  }

  @Test
  void jitterStaysWithinTwentyPercent() {
    assertThat(policy.nextDelay(2, AttemptOutcome.http(500), null, () -> 0.0).delay()).isEqualTo(Duration.ofMinutes(4));
    assertThat(policy.nextDelay(2, AttemptOutcome.http(500), null, () -> 0.999999).delay())
        .isBetween(Duration.ofSeconds(359), Duration.ofMinutes(6));
  }

  @Test
  void afterTheLastScheduledRetryTheDeliveryFails() {
    assertThat(policy.nextDelay(8, AttemptOutcome.http(500), null, () -> 0.5).kind()).isEqualTo(Kind.FAILED);
    assertThat(policy.withSchedule(List.of()).nextDelay(1, AttemptOutcome.error(AttemptOutcome.CONNECTION), null, () -> 0.5).kind())
        .isEqualTo(Kind.FAILED);
  }

  @Test
  void successIsDeliveredAndGoneDisablesTheEndpoint() {
    assertThat(policy.nextDelay(1, AttemptOutcome.http(204), null, () -> 0.5).kind()).isEqualTo(Kind.DELIVERED);
    assertThat(policy.nextDelay(3, AttemptOutcome.http(410), null, () -> 0.5).kind()).isEqualTo(Kind.DISABLE_ENDPOINT);
  }

  @Test
  void retryAfterIsHonouredButClampedBetweenTheScheduledDelayAndTwiceIt() {
    RetryPolicy p = new RetryPolicy(List.of(Duration.ofMinutes(5)), 0.2, Duration.ZERO);
    assertThat(p.nextDelay(1, AttemptOutcome.http(503), Duration.ofMinutes(7), () -> 0.0).delay()).isEqualTo(Duration.ofMinutes(7));
    assertThat(p.nextDelay(1, AttemptOutcome.http(429), Duration.ofSeconds(1), () -> 0.0).delay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.nextDelay(1, AttemptOutcome.http(503), Duration.ofHours(1), () -> 0.0).delay()).isEqualTo(Duration.ofMinutes(10));
    // other statuses ignore Retry-After
    assertThat(p.nextDelay(1, AttemptOutcome.http(500), Duration.ofHours(1), () -> 0.5).delay()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void timeoutsAnd429CountAsOverloadAndWaitAtLeastTheOverloadMinimum() {
    assertThat(policy.nextDelay(1, AttemptOutcome.error(AttemptOutcome.TIMEOUT), null, () -> 0.5).delay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.nextDelay(1, AttemptOutcome.http(429), null, () -> 0.5).delay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.nextDelay(1, AttemptOutcome.http(500), null, () -> 0.5).delay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(AttemptOutcome.error(AttemptOutcome.CONNECTION).overload()).isFalse();
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RetryPolicy.parseRetryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryPolicy.parseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", now)).isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryPolicy.parseRetryAfter("soon", now)).isNull();
    assertThat(RetryPolicy.parseRetryAfter(null, now)).isNull();
  }
}
