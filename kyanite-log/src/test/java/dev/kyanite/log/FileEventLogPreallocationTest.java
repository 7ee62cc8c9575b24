package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.core.log.ManualClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-zeroed tail of the active segment: it is the clean end after a crash, damage inside it
 * is reported without the zeros, a clean close and a roll cut it off, it counts against the byte
 * budget, and a failure to write it (a full disk) costs the appends nothing.
 */
class FileEventLogPreallocationTest {
  static final int PAYLOAD = 100;
  private static final int FRAME = BatchFormat.HEADER + 4 + PAYLOAD;

  @TempDir Path dir;

  private static FileLogOptions.Builder options() {
    // the writer's own pre-zeroing only: SegmentPreparerTest covers the prepared next segment
    return FileLogOptions.builder().partitions(1).segmentBytes(1 << 20).preallocateBytes(64 * 1024).prepareSegments(false)
        .retentionCheckInterval(Duration.ZERO);
  }

  /** Record {@code i}'s payload ({@link #PAYLOAD} bytes, never all zero); {@link SegmentPreparerTest} uses it too. */
  static byte[] record(int i) {
    byte[] b = new byte[PAYLOAD];
    for (int j = 0; j < b.length; j++) b[j] = (byte) (1 + (i * 31 + j) % 250); // never all zero
    return b;
  }

  private Path segment(long base) {
    return dir.resolve("partition-0").resolve(String.format("%020d.log", base));
  }

  private static List<Path> files(Path partitionDir, String ext) throws IOException {
    try (Stream<Path> s = Files.list(partitionDir)) {
      return s.filter(p -> p.toString().endsWith(ext)).sorted().toList();
    }
  }

  /** What the segment and index files really take on disk. */
  private long bytesOnDisk() throws IOException {
    long n = 0;
    for (Path p : files(dir.resolve("partition-0"), ".log")) n += Files.size(p);
    for (Path p : files(dir.resolve("partition-0"), ".index")) n += Files.size(p);
    return n;
  }

  /**
   * The log's count of bytes on disk matches the files. The writer zeroes ahead after it acks, so
   * the two may differ for a moment: wait for it to settle.
   */
  private void assertBytesAddUp(FileEventLog log) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      long counted = log.diskBytes();
      long onDisk = bytesOnDisk();
      if (counted == onDisk && log.diskBytes() == counted) return; // and nothing moved meanwhile
      if (System.nanoTime() > deadline) assertThat(counted).isEqualTo(onDisk);
      Thread.sleep(1);
    }
  }

  private static void append(FileEventLog log, int from, int to) throws Exception {
    for (int i = from; i < to; i++) assertThat(log.append(0, record(i)).get().firstPosition()).isEqualTo(i);
  }

  /** The log holds records {@code [start, n)} of {@link #record}, in order. */
  static void assertExactly(FileEventLog log, int n) {
    assertThat(log.endPosition(0)).isEqualTo(n);
    long next = log.startPosition(0);
    while (next < n) {
      List<LogRecord> got = log.read(0, next, 500, Duration.ZERO);
      assertThat(got).isNotEmpty();
      for (LogRecord r : got) assertThat(r.payload()).isEqualTo(record((int) r.position()));
      next = got.get(got.size() - 1).position() + 1;
    }
  }

  @Test
  void theActiveSegmentIsZeroedAheadAndTheZerosCountAsBytesOnDisk() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      append(log, 0, 10);
      assertThat(Files.size(segment(0))).isGreaterThanOrEqualTo(10L * FRAME + 32 * 1024);
      assertBytesAddUp(log);
      try (RandomAccessFile f = new RandomAccessFile(segment(0).toFile(), "r")) {
        f.seek(10L * FRAME);
        byte[] tail = new byte[(int) (f.length() - 10L * FRAME)];
        f.readFully(tail);
        for (byte b : tail) assertThat(b).isZero();
      }
    }
  }

  @Test
  void aCrashLeavesAZeroTailThatRecoveryTakesAsTheCleanEnd() throws Exception {
    FileEventLog log = FileEventLog.open(dir, options().build());
    append(log, 0, 50);
    log.halt(); // no trim, no recovery point moved: like kill -9
    long fileSize = Files.size(segment(0));
    assertThat(fileSize).isGreaterThan(50L * FRAME);
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      RecoveryReport.PartitionRecovery r = reopened.recoveryReport().partitions().get(0);
      assertThat(reopened.recoveryReport().repaired()).as(r.toString()).isFalse();
      assertThat(r.truncatedBytes()).isZero();
      assertExactly(reopened, 50);
      assertThat(Files.size(segment(0))).as("the zero tail is kept for the next appends").isEqualTo(fileSize);
      assertBytesAddUp(reopened);
      append(reopened, 50, 60);
      assertExactly(reopened, 60);
    }
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      assertExactly(reopened, 60);
    }
  }

  @Test
  void aTornWriteInsideTheZeroedRegionIsCutAndOnlyItsBytesAreReported() throws Exception {
    FileEventLog log = FileEventLog.open(dir, options().build());
    append(log, 0, 20);
    log.halt();
    long fileSize = Files.size(segment(0));
    // The 21st frame was being written when the machine died: only its first 40 bytes reached the
    // disk; the rest of the zeroed region is still zeros.
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(FRAME);
    BatchFormat.encode(frame, 20, 0, List.of(record(20)));
    try (RandomAccessFile f = new RandomAccessFile(segment(0).toFile(), "rw")) {
      f.seek(20L * FRAME);
      f.write(frame.array(), 0, 40);
    }
    assertThat(Files.size(segment(0))).isEqualTo(fileSize);
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      RecoveryReport.PartitionRecovery r = reopened.recoveryReport().partitions().get(0);
      assertThat(r.truncatedBytes()).as("the torn bytes, not the zeros after them").isEqualTo(40);
      assertThat(r.endPosition()).isEqualTo(20);
      assertExactly(reopened, 20);
      assertBytesAddUp(reopened);
      append(reopened, 20, 30);
    }
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      assertThat(reopened.recoveryReport().repaired()).isFalse();
      assertExactly(reopened, 30);
    }
  }

  @Test
  void garbageFarInsideTheZeroedRegionIsDamageNotACleanEnd() throws Exception {
    FileEventLog log = FileEventLog.open(dir, options().build());
    append(log, 0, 20);
    log.halt();
    try (RandomAccessFile f = new RandomAccessFile(segment(0).toFile(), "rw")) {
      f.seek(20L * FRAME + 1000);
      f.write(new byte[] {7, 7, 7});
    }
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      RecoveryReport.PartitionRecovery r = reopened.recoveryReport().partitions().get(0);
      assertThat(r.truncatedBytes()).isEqualTo(1003);
      assertExactly(reopened, 20);
    }
  }

  @Test
  void aCleanCloseCutsTheZeroTailAndTheReopenScansNothing() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      append(log, 0, 30);
      assertThat(Files.size(segment(0))).isGreaterThan(30L * FRAME);
    }
    assertThat(Files.size(segment(0))).isEqualTo(30L * FRAME);
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      RecoveryReport.PartitionRecovery r = log.recoveryReport().partitions().get(0);
      assertThat(r.scannedBytes()).isZero();
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, 30);
      append(log, 30, 40);
      assertBytesAddUp(log);
    }
  }

  @Test
  void sealedSegmentsEndAtTheirLastFrameAndTheBytesAddUp() throws Exception {
    FileLogOptions opts = options().segmentBytes(8192).preallocateBytes(4096).build();
    FileEventLog log = FileEventLog.open(dir, opts);
    append(log, 0, 400);
    assertBytesAddUp(log);
    log.halt();
    List<Path> logs = files(dir.resolve("partition-0"), ".log");
    assertThat(logs.size()).isGreaterThan(3);
    for (Path p : logs.subList(0, logs.size() - 1)) {
      assertThat(Files.size(p) % FRAME).as("%s holds whole frames only", p).isZero();
    }
    try (FileEventLog reopened = FileEventLog.open(dir, opts)) {
      assertThat(reopened.recoveryReport().repaired()).isFalse();
      assertExactly(reopened, 400);
      assertBytesAddUp(reopened);
    }
  }

  @Test
  void theByteBudgetCountsTheZerosAndStillFillsUpAndFreesUp() throws Exception {
    ManualClock clock = new ManualClock();
    long budget = 256 * 1024;
    FileLogOptions opts = options().segmentBytes(32 * 1024).preallocateBytes(16 * 1024).maxBytes(budget)
        .retentionAge(Duration.ofHours(1)).clock(clock).fsync(FsyncPolicy.INTERVAL).build(); // zeroes ahead too, acks faster
    int n = 0;
    try (FileEventLog log = FileEventLog.open(dir, opts)) {
      LogException full = null;
      while (full == null) {
        try {
          log.append(0, record(n)).get();
          n++;
          assertThat(log.diskBytes()).isLessThanOrEqualTo(budget);
          assertBytesAddUp(log);
        } catch (ExecutionException e) {
          full = (LogException) e.getCause();
        }
      }
      assertThat(full.reason()).isEqualTo(LogException.Reason.FULL);
      // pre-zeroing stepped back near the limit: the budget went to records, not to zeros
      assertThat((long) n * FRAME).isGreaterThan(budget * 3 / 4);
      assertExactly(log, n);

      log.commit("workers", 0, log.endPosition(0));
      clock.advance(Duration.ofHours(2));
      assertThat(log.enforceRetention()).isPositive();
      assertBytesAddUp(log);
      append(log, n, n + 10);
      n += 10;
    }
    try (FileEventLog log = FileEventLog.open(dir, opts)) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertThat(log.endPosition(0)).isEqualTo(n);
      assertBytesAddUp(log);
    }
  }

  @Test
  void aBudgetWithLittleRoomLeftIsNotSpentOnZeros() throws Exception {
    FileLogOptions opts = options().segmentBytes(4096).maxBytes(8 * 1024).build();
    try (FileEventLog log = FileEventLog.open(dir, opts)) {
      append(log, 0, 5);
      assertThat(Files.size(segment(0))).isEqualTo(5L * FRAME);
    }
  }

  @Test
  void noSpaceWhilePreZeroingIsCutBackAndCostsTheAppendsNothing() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    faults.writeAllowance = 10L * FRAME; // room for ten frames, not for the zeros
    int n = 0;
    FileLogOptions opts = options().fsync(FsyncPolicy.INTERVAL).build(); // zeroes ahead too, acks faster
    try (FileEventLog log = FileEventLog.open(dir, opts, FaultyChannel.opener(faults))) {
      append(log, 0, 10);
      n = 10;
      assertThat(Files.size(segment(0))).as("no zeros left behind").isEqualTo(10L * FRAME);
      assertBytesAddUp(log);
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> log.append(0, record(10)).get());
      assertThat(((LogException) e.getCause()).reason()).isEqualTo(LogException.Reason.FULL);
      assertThat(Files.size(segment(0))).isEqualTo(10L * FRAME);
      assertExactly(log, 10);

      faults.writeAllowance = Long.MAX_VALUE; // room comes back: appends, then pre-zeroing, resume
      append(log, 10, 1000);
      n = 1000;
      assertThat(Files.size(segment(0))).as("zeroing ahead again").isGreaterThan(1000L * FRAME);
      assertBytesAddUp(log);
      assertExactly(log, n);
    }
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, n);
    }
  }
}
