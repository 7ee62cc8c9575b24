package dev.kyanite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  static final long S = 1_000_000_000L;

  @Test
  void startsFullAndAllowsABurstOfCapacity() {
    TokenBucket b = new TokenBucket(10, 3, 0);
    assertThat(b.tryAcquire(0)).isEqualTo(2);
    assertThat(b.tryAcquire(0)).isEqualTo(1);
    assertThat(b.tryAcquire(0)).isEqualTo(0);
    assertThat(b.tryAcquire(0)).isNegative();
  }

  @Test
  void refusalSaysHowLongUntilTheNextToken() {
    TokenBucket b = new TokenBucket(2, 1, 0);
    b.tryAcquire(0);
    long r = b.tryAcquire(0);
    assertThat(-r).isEqualTo(S / 2);
    assertThat(b.tryAcquire(S / 4)).isEqualTo(-(S / 4));
  }

  @Test
  void refillsAtTheRateButNeverBeyondCapacity() {
    TokenBucket b = new TokenBucket(1, 2, 0);
    b.tryAcquire(0);
    b.tryAcquire(0);
    assertThat(b.tryAcquire(S)).isEqualTo(0);
    assertThat(b.tryAcquire(100 * S)).isEqualTo(1);
  }

  @Test
  void reportsTimeUntilFull() {
    TokenBucket b = new TokenBucket(4, 4, 0);
    assertThat(b.nanosUntilFull(0)).isZero();
    b.tryAcquire(0);
    b.tryAcquire(0);
    assertThat(b.nanosUntilFull(0)).isEqualTo(S / 2);
    assertThat(b.limit()).isEqualTo(4);
  }

  @Test
  void timeGoingBackwardsDoesNotAddTokens() {
    TokenBucket b = new TokenBucket(1, 1, 10 * S);
    b.tryAcquire(10 * S);
    assertThat(b.tryAcquire(5 * S)).isNegative();
  }

  @Test
  void rejectsNonsenseParameters() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0.5, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nanosUntilTokenTakesNothing() {
    TokenBucket b = new TokenBucket(10, 10, 0);
    for (int i = 0; i < 10; i++) assertThat(b.tryAcquire(0)).isGreaterThanOrEqualTo(0);
    assertThat(b.nanosUntilToken(0)).isEqualTo(100_000_000L);
    assertThat(b.nanosUntilToken(100_000_000L)).isZero();
    assertThat(b.nanosUntilToken(100_000_000L)).isZero();
    assertThat(b.tryAcquire(100_000_000L)).isZero();
    assertThat(b.tryAcquire(100_000_000L)).isNegative();
  }

  @Test
  void aSlowRateWithCapacityOneStillAllowsOneRequest() {
    // an endpoint's rate_limit below 1/s: capacity max(1, rate)
    TokenBucket b = new TokenBucket(0.5, 1, 0);
    assertThat(b.tryAcquire(0)).isZero();
    assertThat(b.tryAcquire(1_000_000_000L)).isNegative();
    assertThat(b.tryAcquire(2_000_000_000L)).isZero();
  }
}
