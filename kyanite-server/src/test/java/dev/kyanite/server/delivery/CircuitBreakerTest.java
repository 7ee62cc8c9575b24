package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), Duration.ofSeconds(25), clock);

  @Test
  void opensAfterConsecutiveFailuresAndPausesRequests() {
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.openUntil()).isEqualTo(clock.instant().plusSeconds(10));
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void afterTheCoolDownOneProbeIsLetThroughAndItsSuccessResumes() {
    for (int i = 0; i < 3; i++) breaker.onFailure();
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("only one probe").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeReopensWithADoubledCoolDownUpToTheMaximum() {
    for (int i = 0; i < 3; i++) breaker.onFailure();
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.openUntil()).isEqualTo(clock.instant().plusSeconds(20));
    clock.advance(Duration.ofSeconds(20));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.openUntil()).isEqualTo(clock.instant().plusSeconds(25));
  }
}
