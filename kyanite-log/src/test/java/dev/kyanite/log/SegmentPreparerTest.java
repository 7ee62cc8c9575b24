package dev.kyanite.log;

import static dev.kyanite.log.FileEventLogPreallocationTest.assertExactly;
import static dev.kyanite.log.FileEventLogPreallocationTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The next segment file written in the background ({@link SegmentPreparer}): a busy partition rolls
 * onto it, full size and zero from the start; its bytes are counted; a crash before or after the
 * roll loses no acknowledged record and leaves nothing behind that recovery could take for data; a
 * failed preparation costs the appends nothing; and it is not written when turned off, under
 * {@code fsync=never}, or near the byte budget.
 */
class SegmentPreparerTest {
  private static final int SEGMENT = 1 << 20;
  private static final int BATCH = 50;
  /** One append of {@link #BATCH} records. */
  private static final int FRAME = BatchFormat.HEADER + BATCH * (4 + FileEventLogPreallocationTest.PAYLOAD);
  /** Records (whole batches) that take a segment past half full. */
  private static final int PAST_HALF = (SEGMENT / 2 / FRAME + 2) * BATCH;

  @TempDir Path dir;

  private static FileLogOptions.Builder options() {
    return FileLogOptions.builder().partitions(1).segmentBytes(SEGMENT).preallocateBytes(64 * 1024)
        .retentionCheckInterval(Duration.ZERO);
  }

  /** Appends records {@code [from, to)} in batches of {@link #BATCH}. */
  private static void append(FileEventLog log, int from, int to) throws Exception {
    for (int i = from; i < to; i += BATCH) {
      List<byte[]> batch = new ArrayList<>();
      for (int k = i; k < Math.min(to, i + BATCH); k++) batch.add(record(k));
      assertThat(log.append(0, batch).get().firstPosition()).isEqualTo(i);
    }
  }

  private Path partitionDir() {
    return dir.resolve("partition-0");
  }

  private Path prepared() {
    return partitionDir().resolve(SegmentPreparer.FILE);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(partitionDir())) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
  }

  private long filesOnDisk() throws IOException {
    long n = 0;
    try (Stream<Path> s = Files.list(partitionDir())) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".log") || name.endsWith(".index") || name.equals(SegmentPreparer.FILE)) n += Files.size(p);
      }
    }
    return n;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /**
   * Waits until the log's byte count equals the files' sizes. Not an instant check: an append's
   * ack comes before the writer's pre-zeroing that follows the same gather, whose bytes are
   * counted once written (CI saw the files 64 KiB ahead for a moment). A count that stays wrong
   * fails after the await's 20 s.
   */
  private void assertAccounted(FileEventLog log, String what) throws InterruptedException {
    await(what + ": diskBytes() " + log.diskBytes() + " vs the files", () -> {
      try {
        return log.diskBytes() == filesOnDisk();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Fills the first segment past half, waits for the prepared file and rolls onto it; returns records appended. */
  private int rollOntoPreparedFile(FileEventLog log) throws Exception {
    append(log, 0, PAST_HALF);
    await("next segment prepared", () -> log.nextSegmentReady(0));
    assertThat(Files.size(prepared())).isEqualTo(SEGMENT);
    assertAccounted(log, "the prepared zeros count as bytes on disk");
    int n = PAST_HALF;
    while (segments().size() < 2) {
      append(log, n, n + BATCH);
      n += BATCH;
    }
    return n;
  }

  @Test
  void aBusyPartitionRollsOntoItsPreparedFileFullSizeFromTheStart() throws Exception {
    int n;
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      n = rollOntoPreparedFile(log);
      Path active = segments().get(1);
      assertThat(Files.size(active)).as("the new segment is the prepared file: no growth, no pre-zeroing")
          .isEqualTo(SEGMENT);
      assertThat(Files.exists(prepared())).isFalse();
      assertThat(Files.size(segments().get(0)) % FRAME).as("the sealed one was trimmed to whole frames").isZero();
      append(log, n, n + 3 * BATCH);
      n += 3 * BATCH;
      assertThat(Files.size(active)).isEqualTo(SEGMENT);
      assertAccounted(log, "bytes on disk");
      assertExactly(log, n);
    }
    assertThat(Files.exists(prepared())).isFalse();
    assertThat(Files.size(segments().get(1))).as("a clean close trims the zeros").isLessThan(SEGMENT);
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, n);
      assertAccounted(log, "bytes on disk");
    }
  }

  @Test
  void aCrashAfterTheRollOntoAPreparedFileKeepsEveryAckedRecordAndTheZeros() throws Exception {
    int n;
    FileEventLog log = FileEventLog.open(dir, options().build());
    n = rollOntoPreparedFile(log);
    append(log, n, n + BATCH);
    n += BATCH;
    log.halt();
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      assertThat(reopened.recoveryReport().repaired()).as("zeros after the last frame are the clean end").isFalse();
      assertExactly(reopened, n);
      assertThat(Files.size(segments().get(1))).as("the zeros stay for the next appends").isEqualTo(SEGMENT);
      append(reopened, n, n + BATCH);
      n += BATCH;
    }
    try (FileEventLog reopened = FileEventLog.open(dir, options().build())) {
      assertExactly(reopened, n);
    }
  }

  @Test
  void aFileLeftByACrashIsDeletedAtOpenAndNeverTakenForData() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      append(log, 0, 2 * BATCH);
    }
    byte[] garbage = new byte[SEGMENT];
    for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) (i * 7 + 1);
    Files.write(prepared(), garbage); // a crash while preparing, or before adopting
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(Files.exists(prepared())).isFalse();
      assertAccounted(log, "bytes on disk");
      assertExactly(log, 2 * BATCH);
      append(log, 2 * BATCH, PAST_HALF + 20 * BATCH);
      assertExactly(log, PAST_HALF + 20 * BATCH);
    }
  }

  @Test
  void aPreparationThatFailsCostsTheAppendsNothingAndTheRollMakesAnOrdinarySegment() throws Exception {
    AtomicInteger refused = new AtomicInteger();
    Segment.ChannelOpener noSpaceForPreparing = (path, opts) -> {
      if (path.getFileName().toString().equals(SegmentPreparer.FILE)) {
        refused.incrementAndGet();
        throw new IOException("No space left on device");
      }
      return FileChannel.open(path, opts);
    };
    int n = PAST_HALF;
    try (FileEventLog log = FileEventLog.open(dir, options().build(), noSpaceForPreparing)) {
      append(log, 0, n);
      await("a preparation tried", () -> refused.get() > 0);
      while (segments().size() < 2) {
        append(log, n, n + BATCH);
        n += BATCH;
      }
      assertThat(Files.size(segments().get(1))).as("created and zeroed ahead by the writer").isLessThan(SEGMENT);
      assertThat(refused.get()).as("tried once in the first segment").isEqualTo(1);
      append(log, n, n + PAST_HALF);
      n += PAST_HALF;
      await("tried again in the next segment", () -> refused.get() == 2);
      assertThat(segments()).as("still in the second segment").hasSize(2);
      assertThat(Files.exists(prepared())).isFalse();
      assertThat(log.check().ok()).isTrue();
      assertAccounted(log, "bytes on disk");
      assertExactly(log, n);
    }
  }

  @Test
  void closingWhileAFileIsBeingWrittenStopsItAtTheNextChunkAndLeavesNothingBehind() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    CountDownLatch gate = new CountDownLatch(1);
    faults.gate = gate; // the preparation's first write hangs, as a write stuck in the kernel would
    Segment.ChannelOpener preparingHangs = (path, opts) -> path.getFileName().toString().equals(SegmentPreparer.FILE)
        ? FaultyChannel.opener(faults).open(path, opts) : FileChannel.open(path, opts);
    // 16 chunks of zeros to write: stopping at the next chunk is then told apart from finishing
    FileLogOptions opts = options().segmentBytes(16 << 20).build();
    int n = ((8 << 20) / FRAME + 2) * BATCH; // past half of the first segment
    FileEventLog log = FileEventLog.open(dir, opts, preparingHangs);
    append(log, 0, n);
    assertThat(faults.atGate.await(20, TimeUnit.SECONDS)).as("the preparation is writing").isTrue();
    Thread closing = new Thread(log::close, "closing");
    closing.start();
    // WAITING comes after the preparer is closed (the first thing close does): the partition now
    // waits for the file to let go
    await("close waits for the file", () -> closing.getState() == Thread.State.WAITING);
    faults.gate = null;
    gate.countDown(); // the stuck write returns
    closing.join(20_000);
    assertThat(closing.isAlive()).as("close finished").isFalse();
    assertThat(faults.writes.get()).as("the write under way, and no chunk after it").isEqualTo(1);
    assertThat(Files.exists(prepared())).as("the half-written file is deleted").isFalse();
    try (FileEventLog reopened = FileEventLog.open(dir, opts)) {
      assertThat(reopened.check().ok()).isTrue();
      assertExactly(reopened, n);
      assertAccounted(reopened, "bytes on disk after reopening");
    }
  }

  @Test
  void aZeroFilledSegmentAfterTheRecoveryPointIsACleanEndAndTakesTheNextAppends() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      append(log, 0, 2 * BATCH);
    }
    // a crash after the roll renamed a prepared file into place, before the recovery point moved
    Path renamed = partitionDir().resolve(String.format("%020d.log", 2 * BATCH));
    Files.write(renamed, new byte[SEGMENT]);
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, 2 * BATCH);
      assertThat(Files.size(renamed)).as("kept as the active segment's zero tail").isEqualTo(SEGMENT);
      append(log, 2 * BATCH, 4 * BATCH);
      assertThat(Files.size(renamed)).isEqualTo(SEGMENT);
    }
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertExactly(log, 4 * BATCH);
    }
  }

  @Test
  void aZeroTailLongerThanRecoveryReadsIsTrimmedUnreadAndNotReported() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      append(log, 0, 2 * BATCH);
    }
    Path renamed = partitionDir().resolve(String.format("%020d.log", 2 * BATCH));
    Files.write(renamed, new byte[(int) Recovery.ZERO_SCAN_BYTES + 4096]);
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertThat(Files.size(renamed)).isZero();
      assertExactly(log, 2 * BATCH);
      append(log, 2 * BATCH, 4 * BATCH);
      assertExactly(log, 4 * BATCH);
    }
  }

  @Test
  void anAppendTheBudgetWouldRefuseFirstTakesBackAnotherPartitionsPreparedFile() throws Exception {
    long budget = 6L * SEGMENT; // preparing needs 2 x 2 + 1 segments left: only partition 0's first
    FileLogOptions o = options().partitions(2).maxBytes(budget).build();
    Path other = dir.resolve("partition-0").resolve(SegmentPreparer.FILE);
    try (FileEventLog log = FileEventLog.open(dir, o)) {
      append(log, 0, PAST_HALF);
      await("partition 0's next segment prepared", () -> log.nextSegmentReady(0));
      long before = log.diskBytes();
      long p1 = 0;
      while (true) {
        List<byte[]> batch = new ArrayList<>();
        for (int k = 0; k < BATCH; k++) batch.add(record(k));
        try {
          log.append(1, batch).get();
          p1 += FRAME;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(((dev.kyanite.core.log.LogException) e.getCause()).reason())
              .isEqualTo(dev.kyanite.core.log.LogException.Reason.FULL);
          break;
        }
      }
      assertThat(other).as("given back for partition 1's appends").doesNotExist();
      assertThat(p1).as("partition 1 got the prepared file's bytes").isGreaterThan(budget - before);
      assertThat(log.diskBytes()).isLessThanOrEqualTo(budget);
    }
  }

  @Test
  void aPreparedFileThatCannotBeOpenedAtTheRollIsDroppedAndAnOrdinarySegmentTakesItsPlace() throws Exception {
    AtomicInteger failedOpens = new AtomicInteger();
    Segment.ChannelOpener failsOnceAfterTheRename = (path, opts) -> {
      // the adoption's open: a later segment's name (not the first's), neither created nor direct
      List<OpenOption> o = List.of(opts);
      boolean adoptOpen = path.toString().endsWith(".log") && !o.contains(StandardOpenOption.CREATE)
          && !o.contains(ExtendedOpenOption.DIRECT) && !path.getFileName().toString().equals(String.format("%020d.log", 0));
      if (adoptOpen && failedOpens.getAndIncrement() == 0) throw new IOException("injected: open after rename");
      return FileChannel.open(path, opts);
    };
    int n;
    try (FileEventLog log = FileEventLog.open(dir, options().build(), failsOnceAfterTheRename)) {
      n = rollOntoPreparedFile(log);
      assertThat(failedOpens.get()).as("the adoption's open failed").isEqualTo(1);
      assertThat(Files.size(segments().get(1))).as("created and zeroed ahead by the writer").isLessThan(SEGMENT);
      assertThat(Files.exists(prepared())).isFalse();
      assertAccounted(log, "the prepared bytes were given back");
      append(log, n, n + BATCH);
      n += BATCH;
      assertExactly(log, n);
    }
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, n);
    }
  }

  @Test
  void nothingIsPreparedWhenTurnedOffUnderFsyncNeverOrNearTheBudget() throws Exception {
    List<FileLogOptions> none = List.of(
        options().prepareSegments(false).build(),
        options().fsync(FsyncPolicy.NEVER).build(),
        options().preallocateBytes(0).build(),
        options().maxBytes(3L * SEGMENT).build()); // 1 partition: 3 segments must be left
    for (FileLogOptions o : none) {
      Path d = Files.createTempDirectory(dir, "case");
      try (FileEventLog log = FileEventLog.open(d, o)) {
        append(log, 0, PAST_HALF);
        Thread.sleep(200);
        assertThat(log.nextSegmentReady(0)).as("%s", o).isFalse();
        assertThat(d.resolve("partition-0").resolve(SegmentPreparer.FILE)).as("%s", o).doesNotExist();
      }
    }
  }
}
