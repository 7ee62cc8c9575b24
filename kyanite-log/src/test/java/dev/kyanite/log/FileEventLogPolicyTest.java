package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.Durability;
import dev.kyanite.core.log.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit, fsync policies, and time-driven roll and retention with an injected clock. */
class FileEventLogPolicyTest {
  @TempDir Path dir;

  private static long segmentCount(Path partitionDir) throws IOException {
    try (Stream<Path> s = Files.list(partitionDir)) {
      return s.filter(p -> p.toString().endsWith(".log")).count();
    }
  }

  @Test
  void concurrentAppendsShareOneFsync() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1).build())) {
      log.append(0, new byte[10]).get();
      long fsyncsBefore = log.stats().fsyncs();
      List<CompletableFuture<AppendResult>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) fs.add(log.append(0, new byte[300]));
      for (CompletableFuture<AppendResult> f : fs) assertThat(f.get().durability()).isEqualTo(Durability.FSYNC);
      long fsyncs = log.stats().fsyncs() - fsyncsBefore;
      assertThat(fsyncs).as("200 appends queued at once need few fsyncs").isBetween(1L, 50L);
    }
  }

  @Test
  void acksArriveInOrderOffTheWriterAndAllAreDeliveredByClose() throws Exception {
    FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1).build());
    List<Long> acked = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<AppendResult>> fs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      CompletableFuture<AppendResult> f = log.append(0, new byte[100]);
      f.thenAccept(r -> {
        acked.add(r.firstPosition());
        threads.add(Thread.currentThread().getName());
        if (r.firstPosition() % 7 == 0) throw new IllegalStateException("a failing callback loses no other ack");
      });
      fs.add(f);
    }
    log.close();
    assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(acked).hasSize(300).isSorted();
    assertThat(threads).allMatch(t -> t.startsWith("kyanite-log-acks-") || t.equals(Thread.currentThread().getName()));
  }

  @Test
  void everyGroupCommitForceIsReportedToTheObserverBeforeItsAck() throws Exception {
    List<Long> forces = java.util.Collections.synchronizedList(new ArrayList<>());
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1)
        .fsyncObserver(nanos -> {
          forces.add(nanos);
          if (forces.size() == 2) throw new IllegalStateException("an observer's failure fails no append");
        }).build())) {
      for (int i = 0; i < 5; i++) {
        log.append(0, new byte[100]).get();
        assertThat(forces).as("reported before the ack of append " + i).hasSize(i + 1);
      }
      assertThat(forces).allMatch(n -> n > 0);
      assertThat(log.stats().fsyncs()).as("no roll or checkpoint: one force per append").isEqualTo(5);
    }
  }

  @Test
  void intervalPolicyReportsItsBackgroundForces() throws Exception {
    java.util.concurrent.atomic.AtomicInteger forces = new java.util.concurrent.atomic.AtomicInteger();
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1)
        .fsync(FsyncPolicy.INTERVAL).fsyncInterval(Duration.ofMillis(10)).fsyncObserver(n -> forces.incrementAndGet()).build())) {
      log.append(0, new byte[10]).get();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (forces.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(forces.get()).isPositive();
    }
  }

  @Test
  void intervalPolicyAcksWrittenAndForcesInTheBackground() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1)
        .fsync(FsyncPolicy.INTERVAL).fsyncInterval(Duration.ofMillis(10)).build())) {
      assertThat(log.append(0, new byte[10]).get().durability()).isEqualTo(Durability.WRITTEN);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (log.stats().fsyncs() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(log.stats().fsyncs()).isPositive();
    }
  }

  @Test
  void neverPolicyAcksWrittenWithoutFsync() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1).fsync(FsyncPolicy.NEVER).build())) {
      for (int i = 0; i < 20; i++) assertThat(log.append(0, new byte[10]).get().durability()).isEqualTo(Durability.WRITTEN);
      assertThat(log.stats().fsyncs()).isZero();
    }
  }

  @Test
  void segmentsRollByAgeAndRetentionDeletesThemByAge() throws Exception {
    ManualClock clock = new ManualClock();
    FileLogOptions options = FileLogOptions.builder().partitions(1).clock(clock).segmentAge(Duration.ofHours(1))
        .retentionAge(Duration.ofHours(2)).fsync(FsyncPolicy.NEVER).retentionCheckInterval(Duration.ZERO).build();
    Path p0 = dir.resolve("partition-0");
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      for (int i = 0; i < 10; i++) log.append(0, new byte[10]).get();
      clock.advance(Duration.ofMinutes(59));
      log.append(0, new byte[10]).get();
      assertThat(segmentCount(p0)).isEqualTo(1);
      clock.advance(Duration.ofMinutes(2)); // the first record is now older than an hour
      assertThat(log.append(0, new byte[10]).get().firstPosition()).isEqualTo(11);
      assertThat(segmentCount(p0)).isEqualTo(2);
      assertThat(p0.resolve(String.format("%020d.log", 11))).exists();

      log.commit("slow", 0, 5);
      clock.advance(Duration.ofHours(3));
      assertThat(log.enforceRetention()).as("a group still needs it").isZero();
      log.commit("slow", 0, 12);
      assertThat(log.enforceRetention()).isEqualTo(11);
      assertThat(log.startPosition(0)).isEqualTo(11);
      assertThat(segmentCount(p0)).isEqualTo(1);
      assertThat(log.read(0, 0, 10, Duration.ZERO).get(0).position()).isEqualTo(11);
    }
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.startPosition(0)).isEqualTo(11);
      assertThat(log.endPosition(0)).isEqualTo(12);
    }
  }

  @Test
  void tailReadersAreServedFromMemoryAndOldRecordsFromFiles() throws Exception {
    FileLogOptions options = FileLogOptions.builder().partitions(1).fsync(FsyncPolicy.NEVER)
        .segmentBytes(64 * 1024).tailCacheBytes(16 * 1024).build();
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      for (int i = 0; i < 2000; i++) log.append(0, ("r" + i).getBytes()).get();
      assertThat(new String(log.read(0, 1999, 1, Duration.ZERO).get(0).payload())).isEqualTo("r1999");
      assertThat(new String(log.read(0, 3, 1, Duration.ZERO).get(0).payload())).isEqualTo("r3");
      assertThat(log.read(0, 0, 5000, Duration.ZERO)).hasSizeGreaterThan(100);
    }
  }

  @Test
  void partitionCountIsFixedOnceWritten() {
    FileEventLog.open(dir, FileLogOptions.builder().partitions(2).build()).close();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> FileEventLog.open(dir, FileLogOptions.builder().partitions(3).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 partitions");
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1).build())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> FileEventLog.open(dir, FileLogOptions.builder().partitions(1).build()))
          .isInstanceOf(dev.kyanite.core.log.LogException.class);
    }
  }
}
