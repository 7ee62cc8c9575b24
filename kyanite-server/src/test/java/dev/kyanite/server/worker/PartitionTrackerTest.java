package dev.kyanite.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
  @Test
  void commitStopsAtTheFirstPositionWithAnUnsettledPair() {
    PartitionTracker t = new PartitionTracker(10, 16);
    t.open(10, 2);
    t.open(11, 0);
    t.open(12, 1);
    assertThat(t.committable()).isEqualTo(10);
    t.settle(12);
    assertThat(t.committable()).isEqualTo(10);
    t.settle(10);
    assertThat(t.committable()).isEqualTo(10);
    t.settle(10);
    assertThat(t.committable()).isEqualTo(13);
    assertThat(t.open()).isZero();
  }

  @Test
  void positionsWithoutPairsCommitAtOnceAndTheWindowGrows() {
    PartitionTracker t = new PartitionTracker(0, 16);
    t.open(0, 1);
    for (long p = 1; p < 1_000; p++) t.open(p, p % 3 == 0 ? 1 : 0);
    assertThat(t.committable()).isZero();
    for (long p = 999; p >= 0; p--) if (p % 3 == 0) t.settle(p);
    assertThat(t.committable()).isEqualTo(1_000);
  }

  @Test
  void positionsPassedOverUnreadAreSettledAtOnce() {
    PartitionTracker t = new PartitionTracker(5, 16);
    t.openSettled(1_000_000); // nothing open: no counter per position
    assertThat(t.committable()).isEqualTo(1_000_000);
    t.open(1_000_000, 1);
    t.openSettled(1_000_040); // behind an unsettled pair: committable stops at it
    assertThat(t.committable()).isEqualTo(1_000_000);
    assertThat(t.open()).isEqualTo(40);
    t.settle(1_000_000);
    assertThat(t.committable()).isEqualTo(1_000_040);
    t.openSettled(1_000_040); // nothing new
    t.open(1_000_040, 0);
    assertThat(t.committable()).isEqualTo(1_000_041);
  }

  @Test
  void outOfOrderOpensAndDoubleSettlesAreBugs() {
    PartitionTracker t = new PartitionTracker(0, 16);
    assertThatThrownBy(() -> t.open(1, 1)).isInstanceOf(IllegalStateException.class);
    t.open(0, 1);
    t.settle(0);
    assertThatThrownBy(() -> t.settle(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void awaitRoomBlocksWhileTheWindowIsFull() throws Exception {
    PartitionTracker t = new PartitionTracker(0, 16);
    t.open(0, 1);
    t.open(1, 1);
    assertThat(t.awaitRoom(2, 50)).isFalse();
    new Thread(() -> t.settle(0)).start();
    assertThat(t.awaitRoom(2, 5_000)).isTrue();
  }
}
