package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.log.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full byte budget or a full filesystem: appends fail fast with {@code FULL}, nothing written is
 * damaged, and appends resume by themselves when room comes back.
 */
class FileEventLogDiskFullTest {
  @TempDir Path dir;

  private static byte[] record(int i, int size) {
    byte[] b = new byte[size];
    for (int j = 0; j < size; j++) b[j] = (byte) (i * 13 + j);
    return b;
  }

  /** Appends until the first failure; returns how many succeeded and the failure. */
  private static LogException fillUp(FileEventLog log, int size, List<byte[]> acked, int max) throws Exception {
    for (int i = 0; i < max; i++) {
      byte[] r = record(acked.size(), size);
      try {
        log.append(0, r).get(30, TimeUnit.SECONDS);
        acked.add(r);
      } catch (ExecutionException e) {
        return (LogException) e.getCause();
      }
    }
    throw new AssertionError("never filled up after " + max + " appends");
  }

  private static void assertIntact(FileEventLog log, List<byte[]> acked, long from) {
    long next = from;
    while (next < acked.size()) {
      List<LogRecord> got = log.read(0, next, 500, Duration.ZERO);
      assertThat(got).isNotEmpty();
      for (LogRecord r : got) assertThat(r.payload()).isEqualTo(acked.get((int) r.position()));
      next = got.get(got.size() - 1).position() + 1;
    }
  }

  @Test
  void byteBudgetFailsAppendsWithFullAndRetentionMakesRoomAgain() throws Exception {
    ManualClock clock = new ManualClock();
    FileLogOptions options = FileLogOptions.builder().partitions(1).segmentBytes(4096).maxBytes(32 * 1024)
        .retentionAge(Duration.ofHours(1)).clock(clock).fsync(FsyncPolicy.NEVER)
        .retentionCheckInterval(Duration.ZERO).build();
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      LogException full = fillUp(log, 100, acked, 10_000);
      assertThat(full.reason()).isEqualTo(LogException.Reason.FULL);
      assertThat(log.diskBytes()).isLessThanOrEqualTo(32 * 1024);
      assertThat(log.check().ok()).isFalse();
      assertThat(log.check().detail()).contains("budget");
      // fails fast: the future is already failed when append returns
      assertThat(log.append(0, record(0, 100)).isCompletedExceptionally()).isTrue();
      assertIntact(log, acked, 0);

      log.commit("workers", 0, log.endPosition(0));
      clock.advance(Duration.ofHours(2));
      assertThat(log.enforceRetention()).isPositive();
      assertThat(log.check().ok()).isTrue();
      long start = log.startPosition(0);
      byte[] r = record(acked.size(), 100);
      assertThat(log.append(0, r).get().firstPosition()).isEqualTo(acked.size());
      acked.add(r);
      assertIntact(log, acked, start);
    }
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertThat(log.endPosition(0)).isEqualTo(acked.size());
      assertIntact(log, acked, log.startPosition(0));
    }
  }

  @Test
  void readinessFollowsTheBudgetLeftNotTheLastAppend() throws Exception {
    ManualClock clock = new ManualClock();
    FileLogOptions options = FileLogOptions.builder().partitions(1).segmentBytes(4096).maxBytes(32 * 1024)
        .retentionAge(Duration.ofHours(1)).clock(clock).fsync(FsyncPolicy.NEVER)
        .retentionCheckInterval(Duration.ZERO).build(); // ready while 2 KiB (32 KiB / 16) are left
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.check().ok()).isTrue();
      assertThat(fillUp(log, 1500, acked, 10_000).reason()).isEqualTo(LogException.Reason.FULL);
      assertThat(log.check().ok()).isFalse();
      byte[] small = record(acked.size(), 10);
      log.append(0, small).get(30, TimeUnit.SECONDS); // still fits
      acked.add(small);
      assertThat(log.check().ok()).as("one small append that fits does not make a full budget ready").isFalse();
      assertThat(log.append(0, record(0, 1500)).isCompletedExceptionally()).isTrue();
    }
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.check().ok()).as("full from the start after a restart, before any append fails").isFalse();
      assertThat(log.check().detail()).contains("budget", "of 32768 bytes");
      log.commit("workers", 0, log.endPosition(0));
      clock.advance(Duration.ofHours(2));
      assertThat(log.enforceRetention()).isPositive();
      assertThat(log.check().ok()).as("retention made room").isTrue();
      assertIntact(log, acked, log.startPosition(0));
    }
  }

  @Test
  void batchLargerThanTheLimitFailsTooLarge() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(1).maxBatchBytes(4096).build())) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> log.append(0, new byte[5000]).get());
      assertThat(((LogException) e.getCause()).reason()).isEqualTo(LogException.Reason.TOO_LARGE);
      assertThat(log.append(0, new byte[100]).get().firstPosition()).isZero();
    }
  }

  /** A real 2 MiB tmpfs: only where this process may mount (root in a permissive container). */
  @Test
  void fullFilesystemFailsWithFullWithoutDamageAndRecoversWhenSpaceReturns() throws Exception {
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString())
        .redirectErrorStream(true).start();
    boolean mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
    assumeThat(mounted).as("mount -t tmpfs permitted").isTrue();
    try {
      Path filler = mnt.resolve("filler");
      Files.write(filler, new byte[512 * 1024]);
      FileLogOptions options = FileLogOptions.builder().partitions(1).segmentBytes(256 * 1024)
          .retentionCheckInterval(Duration.ZERO).build();
      List<byte[]> acked = new ArrayList<>();
      try (FileEventLog log = FileEventLog.open(mnt.resolve("log"), options)) {
        LogException full = fillUp(log, 1000, acked, 5_000);
        assertThat(full.reason()).as(full.toString()).isEqualTo(LogException.Reason.FULL);
        assertThat(log.check().ok()).isFalse();
        LogException again = fillUp(log, 1000, new ArrayList<>(), 1);
        assertThat(again.reason()).isEqualTo(LogException.Reason.FULL);
        assertIntact(log, acked, 0);

        Files.delete(filler);
        byte[] r = record(acked.size(), 1000);
        assertThat(log.append(0, r).get(30, TimeUnit.SECONDS).firstPosition()).isEqualTo(acked.size());
        acked.add(r);
        assertThat(log.check().ok()).isTrue();
        assertIntact(log, acked, 0);
      }
      try (FileEventLog log = FileEventLog.open(mnt.resolve("log"), options)) {
        assertThat(log.endPosition(0)).isEqualTo(acked.size());
        assertIntact(log, acked, 0);
      }
    } finally {
      new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
