package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {
  @Test
  void intendedTimesAreEvenlySpacedFromTheStart() {
    Pacer pacer = new Pacer(1_000, 1000); // one per millisecond
    assertThat(pacer.take()).isEqualTo(1_000);
    assertThat(pacer.take()).isEqualTo(1_001_000);
    assertThat(pacer.take()).isEqualTo(2_001_000);
  }

  @Test
  void aLateSenderKeepsTheIntendedTimeAndSeesTheBacklog() {
    Pacer pacer = new Pacer(0, 1000);
    long now = 10_500_000; // 10.5 ms later: slots 0..10 are due
    assertThat(pacer.backlog(now)).isEqualTo(11);
    assertThat(pacer.due(now)).isTrue();
    long first = pacer.take();
    assertThat(now - first).isEqualTo(10_500_000); // its latency will include the wait
    for (int i = 0; i < 10; i++) {
      pacer.take();
    }
    assertThat(pacer.due(now)).isFalse();
    assertThat(pacer.backlog(now)).isZero();
  }

  @Test
  void skippingToTheMarkDropsOnlyTheBacklog() {
    Pacer pacer = new Pacer(0, 1000);
    pacer.take(); // slot 0
    pacer.skipTo(5_000_000); // slots 1..4 were never sent: dropped
    assertThat(pacer.take()).isEqualTo(5_000_000);
    pacer.take(); // slot 6
    pacer.skipTo(5_500_000); // already past the mark: nothing is sent twice
    assertThat(pacer.take()).isEqualTo(7_000_000);
  }
}
