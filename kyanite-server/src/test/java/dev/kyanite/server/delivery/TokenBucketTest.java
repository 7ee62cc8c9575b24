package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void allowsABurstOfTheRateThenRefillsOverTime() {
    TokenBucket b = new TokenBucket(10, 0);
    for (int i = 0; i < 10; i++) assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.nanosUntilToken(0)).isEqualTo(100_000_000L);
    assertThat(b.tryTake(100_000_000L)).isTrue();
    assertThat(b.tryTake(100_000_000L)).isFalse();
  }

  @Test
  void slowRatesStillAllowOneRequest() {
    TokenBucket b = new TokenBucket(0.5, 0);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(1_000_000_000L)).isFalse();
    assertThat(b.tryTake(2_000_000_000L)).isTrue();
  }
}
