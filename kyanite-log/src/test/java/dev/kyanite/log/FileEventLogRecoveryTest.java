package dev.kyanite.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.LogRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails, random garbage, lost indexes and recovery points: what survives and what is reported. */
class FileEventLogRecoveryTest {
  private static final int PAYLOAD = 50;
  private static final int FRAME = BatchFormat.HEADER + 4 + PAYLOAD;

  @TempDir Path dir;

  private FileLogOptions options(long segmentBytes) {
    // fsync=never: these tests simulate crashes of the process, not of the machine, and stay fast
    return FileLogOptions.builder().partitions(1).segmentBytes(segmentBytes).fsync(FsyncPolicy.NEVER)
        .retentionCheckInterval(Duration.ZERO).build();
  }

  static byte[] payload(int i) {
    byte[] b = new byte[PAYLOAD];
    byte[] id = String.format("record-%08d|", i).getBytes(UTF_8);
    for (int j = 0; j < b.length; j++) b[j] = j < id.length ? id[j] : (byte) ('a' + (i * 7 + j) % 26);
    return b;
  }

  /** Appends n single records, then stops as a crash would (no clean shutdown). */
  private void writeAndCrash(Path logDir, FileLogOptions opts, int n) throws Exception {
    FileEventLog log = FileEventLog.open(logDir, opts);
    for (int i = 0; i < n; i++) log.append(0, payload(i)).get();
    log.halt();
  }

  private List<LogRecord> readAll(FileEventLog log) {
    List<LogRecord> all = new ArrayList<>();
    long next = log.startPosition(0);
    while (next < log.endPosition(0)) {
      List<LogRecord> got = log.read(0, next, 500, Duration.ZERO);
      all.addAll(got);
      next = got.get(got.size() - 1).position() + 1;
    }
    return all;
  }

  private void assertIntactPrefix(List<LogRecord> all) {
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).position()).isEqualTo(i);
      assertThat(all.get(i).payload()).isEqualTo(payload(i));
    }
  }

  private static List<Path> segments(Path partitionDir, String ext) throws IOException {
    try (Stream<Path> s = Files.list(partitionDir)) {
      return s.filter(p -> p.toString().endsWith(ext)).sorted().toList();
    }
  }

  @Test
  void tornTailIsTruncatedToTheLastWholeRecord() throws Exception {
    writeAndCrash(dir, options(1 << 20), 100);
    Path seg = segments(dir.resolve("partition-0"), ".log").get(0);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() - 10); // cut the last frame in the middle
    }
    try (FileEventLog log = FileEventLog.open(dir, options(1 << 20))) {
      assertThat(log.endPosition(0)).isEqualTo(99);
      assertIntactPrefix(readAll(log));
      RecoveryReport.PartitionRecovery r = log.recoveryReport().partitions().get(0);
      assertThat(r.truncatedBytes()).isEqualTo(FRAME - 10);
      assertThat(r.endPosition()).isEqualTo(99);
      assertThat(log.append(0, payload(99)).get().firstPosition()).isEqualTo(99);
    }
  }

  @Test
  void aTornBatchDisappearsWhole() throws Exception {
    FileEventLog log = FileEventLog.open(dir, options(1 << 20));
    log.append(0, payload(0)).get();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 1; i <= 10; i++) batch.add(payload(i));
    log.append(0, batch).get();
    log.halt();
    Path seg = segments(dir.resolve("partition-0"), ".log").get(0);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() - 3 * (4 + PAYLOAD)); // the last three records of the batch are torn off
    }
    try (FileEventLog reopened = FileEventLog.open(dir, options(1 << 20))) {
      assertThat(reopened.endPosition(0)).isEqualTo(1);
      assertIntactPrefix(readAll(reopened));
    }
  }

  @Test
  void garbageAtRandomOffsetsInTheLastSegmentKeepsEveryRecordBeforeIt() throws Exception {
    Random random = new Random(42);
    int rounds = Boolean.getBoolean("kyanite.long") ? 100 : 12;
    for (int round = 0; round < rounds; round++) {
      Path logDir = dir.resolve("round-" + round);
      int n = 300 + random.nextInt(300);
      writeAndCrash(logDir, options(8192), n);
      List<Path> logs = segments(logDir.resolve("partition-0"), ".log");
      Path last = logs.get(logs.size() - 1);
      long base = Segment.parseBase(last.getFileName().toString());
      long size = Files.size(last);
      long offset = (long) (random.nextDouble() * size);
      byte[] garbage = new byte[1 + random.nextInt(16)];
      random.nextBytes(garbage);
      try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
        f.seek(offset);
        f.write(garbage);
      }
      long intactInLast = offset / FRAME; // frames wholly before the damaged byte
      try (FileEventLog log = FileEventLog.open(logDir, options(8192))) {
        List<LogRecord> all = readAll(log);
        assertThat(all.size()).as("round %d: offset %d of %d", round, offset, size)
            .isGreaterThanOrEqualTo((int) (base + intactInLast));
        assertIntactPrefix(all);
        RecoveryReport.PartitionRecovery r = log.recoveryReport().partitions().get(0);
        assertThat(r.endPosition()).isEqualTo(all.size());
        if (all.size() < n) {
          assertThat(r.truncatedBytes()).isEqualTo(size - (all.size() - base) * FRAME);
        }
        // the repaired log takes appends right after the survivors
        assertThat(log.append(0, payload(all.size())).get().firstPosition()).isEqualTo(all.size());
      }
    }
  }

  @Test
  void damageInTheTailSegmentDropsTheLaterSegmentsToo() throws Exception {
    writeAndCrash(dir, options(4096), 400);
    List<Path> logs = segments(dir.resolve("partition-0"), ".log");
    assertThat(logs.size()).isGreaterThan(3);
    // A crash right after rolls that the recovery point never saw: the point still names an earlier
    // segment. Damage that segment: everything after the damage goes, positions stay contiguous.
    Path victim = logs.get(logs.size() - 3);
    long victimBase = Segment.parseBase(victim.getFileName().toString());
    new RecoveryPoint(victimBase, 0, victimBase).write(dir.resolve("partition-0"));
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.seek(FRAME * 2L + 5);
      f.write(new byte[] {1, 2, 3});
    }
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      assertThat(log.endPosition(0)).isEqualTo(victimBase + 2);
      assertIntactPrefix(readAll(log));
      RecoveryReport.PartitionRecovery r = log.recoveryReport().partitions().get(0);
      assertThat(r.segmentsDeleted()).isEqualTo(2);
      assertThat(r.truncatedRecords()).isPositive();
      assertThat(r.truncatedBytes()).isPositive();
    }
  }

  @Test
  void deletedIndexFilesAreRebuiltAndReadsStillWork() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      for (int i = 0; i < 400; i++) log.append(0, payload(i)).get();
    }
    List<Path> indexes = segments(dir.resolve("partition-0"), ".index");
    assertThat(indexes.size()).isGreaterThan(3);
    for (Path p : indexes) Files.delete(p);
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      assertThat(log.recoveryReport().partitions().get(0).indexesRebuilt()).isEqualTo(indexes.size());
      assertThat(readAll(log)).hasSize(400);
      assertIntactPrefix(readAll(log));
      assertThat(log.read(0, 123, 1, Duration.ZERO).get(0).payload()).isEqualTo(payload(123));
    }
    for (Path p : indexes) assertThat(p).exists();
  }

  @Test
  void aGarbledIndexIsDetectedAndRebuiltOnFirstRead() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      for (int i = 0; i < 400; i++) log.append(0, payload(i)).get();
    }
    Path index = segments(dir.resolve("partition-0"), ".index").get(0);
    byte[] junk = new byte[(int) Files.size(index)];
    new Random(1).nextBytes(junk);
    Files.write(index, junk);
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      assertIntactPrefix(readAll(log));
    }
  }

  @Test
  void cleanReopenScansNothingWhateverTheLogSize() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      for (int i = 0; i < 300; i++) log.append(0, payload(i)).get();
    }
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      RecoveryReport.PartitionRecovery r = log.recoveryReport().partitions().get(0);
      assertThat(r.scannedBytes()).isZero();
      assertThat(r.fullScan()).isFalse();
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertThat(log.endPosition(0)).isEqualTo(300);
      for (int i = 300; i < 310; i++) log.append(0, payload(i)).get();
      log.halt();
    }
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      // after a crash only what was written since the last recovery point is re-validated
      assertThat(log.recoveryReport().partitions().get(0).scannedBytes()).isLessThanOrEqualTo(4096);
      assertThat(log.endPosition(0)).isEqualTo(310);
      assertIntactPrefix(readAll(log));
    }
  }

  @Test
  void crashRecoveryRevalidatesAtMostOneCheckpointIntervalOfALargeSegment() throws Exception {
    FileLogOptions opts = options(256L << 20);
    FileEventLog log = FileEventLog.open(dir, opts);
    byte[] big = new byte[64 * 1024];
    List<java.util.concurrent.CompletableFuture<?>> fs = new ArrayList<>();
    long total = PartitionWriter.CHECKPOINT_BYTES + (4L << 20);
    for (long written = 0; written < total; written += big.length) fs.add(log.append(0, big));
    for (var f : fs) f.get();
    log.halt();
    try (FileEventLog reopened = FileEventLog.open(dir, opts)) {
      RecoveryReport.PartitionRecovery r = reopened.recoveryReport().partitions().get(0);
      assertThat(r.scannedBytes()).isLessThan(PartitionWriter.CHECKPOINT_BYTES);
      assertThat(r.endPosition()).isEqualTo(fs.size());
      assertThat(reopened.read(0, fs.size() - 1, 1, Duration.ZERO)).hasSize(1);
    }
  }

  @Test
  void lostRecoveryPointMeansAFullScanThatKeepsEverything() throws Exception {
    writeAndCrash(dir, options(4096), 300);
    Files.delete(dir.resolve("partition-0").resolve(RecoveryPoint.FILE));
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      assertThat(log.recoveryReport().partitions().get(0).fullScan()).isTrue();
      assertThat(log.endPosition(0)).isEqualTo(300);
      assertIntactPrefix(readAll(log));
    }
  }

  @Test
  void damagedOffsetsFileResetsGroupsAndSaysSo() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      log.append(0, payload(0)).get();
      log.commit("g", 0, 1);
    }
    Path offsets = dir.resolve(OffsetStore.FILE);
    byte[] bytes = Files.readAllBytes(offsets);
    bytes[5] ^= 0x55;
    Files.write(offsets, bytes);
    try (FileEventLog log = FileEventLog.open(dir, options(4096))) {
      assertThat(log.recoveryReport().offsetsReset()).isTrue();
      assertThat(log.committed("g", 0)).isZero();
      assertThat(log.endPosition(0)).isEqualTo(1);
    }
  }
}
