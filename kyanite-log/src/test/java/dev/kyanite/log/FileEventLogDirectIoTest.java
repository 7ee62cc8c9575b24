package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends through {@code O_DIRECT} ({@link DirectAppender}): whole blocks rewritten from memory,
 * mixed with page-cache writes where the file grows, across reopenings in either mode, and under
 * injected write and fsync failures. Skipped where the temp directory's file system refuses
 * {@code O_DIRECT}.
 */
class FileEventLogDirectIoTest {
  @TempDir Path dir;
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  private final AtomicInteger directOpens = new AtomicInteger();
  /** Counts the channels opened with O_DIRECT. */
  private final Segment.ChannelOpener counting = (path, options) -> {
    if (Arrays.asList(options).contains(ExtendedOpenOption.DIRECT)) directOpens.incrementAndGet();
    return FileChannel.open(path, options);
  };

  @BeforeEach
  void directIoWorksHere() throws IOException {
    Path probe = dir.resolve("probe");
    try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        ExtendedOpenOption.DIRECT)) {
      assertThat(ch.isOpen()).isTrue();
    } catch (IOException | UnsupportedOperationException e) {
      assumeTrue(false, "O_DIRECT refused by the temp directory's file system: " + e);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static FileLogOptions.Builder options() {
    return FileLogOptions.builder().partitions(1).segmentBytes(1 << 20).preallocateBytes(64 * 1024)
        .retentionCheckInterval(Duration.ZERO);
  }

  private static byte[] record(Random random, int i) {
    byte[] b = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 9_000 : 700)];
    random.nextBytes(b);
    b[0] = (byte) i;
    return b;
  }

  /** Appends {@code n} records of random sizes (1 B to 9 KB), some alone and some in batches. */
  private static void appendRandom(FileEventLog log, Random random, int n, List<byte[]> acked) throws Exception {
    int i = 0;
    while (i < n) {
      int batch = random.nextInt(4) == 0 ? 1 + random.nextInt(20) : 1;
      List<byte[]> records = new ArrayList<>();
      for (int k = 0; k < batch && i < n; k++, i++) records.add(record(random, acked.size() + records.size()));
      CompletableFuture<?> f = records.size() == 1 ? log.append(0, records.get(0)) : log.append(0, records);
      f.get();
      acked.addAll(records);
    }
  }

  private static void assertExactly(FileEventLog log, List<byte[]> acked) {
    assertThat(log.endPosition(0)).isEqualTo(acked.size());
    List<LogRecord> all = new ArrayList<>();
    while (all.size() < acked.size()) {
      List<LogRecord> rs = log.read(0, all.size(), 500, Duration.ZERO);
      assertThat(rs).isNotEmpty();
      all.addAll(rs);
    }
    for (int i = 0; i < acked.size(); i++) {
      assertThat(all.get(i).position()).isEqualTo(i);
      assertThat(all.get(i).payload()).as("record %d", i).isEqualTo(acked.get(i));
    }
  }

  /** Reopens the log in {@link #dir}: nothing to repair, exactly the acked records. */
  private void assertReopensExactly(FileLogOptions opts, List<byte[]> acked) {
    try (FileEventLog log = FileEventLog.open(dir, opts)) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, acked);
    }
  }

  private Path segmentFile(long base) {
    return dir.resolve("partition-0").resolve(String.format("%020d.log", base));
  }

  @Test
  void directIsUsedOnlyWhereEveryAppendIsForced() throws Exception {
    try (FileEventLog log = FileEventLog.open(dir.resolve("always"), options().build(), counting)) {
      appendRandom(log, new Random(1), 50, new ArrayList<>());
    }
    assertThat(directOpens.getAndSet(0)).as("fsync=always, default").isPositive();
    try (FileEventLog log = FileEventLog.open(dir.resolve("off"), options().directIo(false).build(), counting)) {
      appendRandom(log, new Random(1), 50, new ArrayList<>());
    }
    try (FileEventLog log = FileEventLog.open(dir.resolve("interval"), options().fsync(FsyncPolicy.INTERVAL).build(),
        counting)) {
      appendRandom(log, new Random(1), 50, new ArrayList<>());
    }
    assertThat(directOpens.get()).as("direct-io=false, and fsync=interval").isZero();
  }

  @Test
  void aFileSystemThatRefusesDirectIoIsWrittenThroughThePageCache() throws Exception {
    // tmpfs before Linux 6.6 and some FUSE file systems fail open(O_DIRECT) with EINVAL
    AtomicInteger refused = new AtomicInteger();
    Segment.ChannelOpener refusing = (path, options) -> {
      if (Arrays.asList(options).contains(ExtendedOpenOption.DIRECT)) {
        if (path.toString().endsWith(".log")) refused.incrementAndGet(); // not the next segment's zeros
        throw new IOException("Invalid argument");
      }
      return FileChannel.open(path, options);
    };
    Random random = new Random(8);
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options().build(), refusing)) {
      appendRandom(log, random, 2_000, acked); // rolls: each new segment asks once
      assertExactly(log, acked);
      assertThat(log.check().ok()).isTrue();
    }
    try (Stream<Path> files = Files.list(dir.resolve("partition-0"))) {
      long segments = files.filter(f -> f.toString().endsWith(".log")).count();
      assertThat(refused.get()).as("asked once per segment").isBetween(2, (int) segments);
    }
    assertReopensExactly(options().build(), acked);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "tail cache {0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 2 << 20})
  void unalignedAppendsOfEverySizeReadBackBeforeAndAfterReopenAndRolls(long tailCache) throws Exception {
    // without the tail cache every read goes to the file right after the direct writes
    Random random = new Random(42);
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options().tailCacheBytes(tailCache).build(),
        FaultyChannel.opener(faults))) {
      appendRandom(log, random, 3_000, acked); // several 1 MiB segments
      assertExactly(log, acked);
      assertThat(faults.openDirect.get()).as("sealed segments release their O_DIRECT channel").isEqualTo(1);
    }
    assertThat(faults.openDirect.get()).isZero();
    try (Stream<Path> files = Files.list(dir.resolve("partition-0"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".log")).count()).as("rolled").isGreaterThan(2);
    }
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, acked);
      appendRandom(log, random, 300, acked);
      assertExactly(log, acked);
    }
  }

  @Test
  void aCopyTakenWhileOpenRecoversEveryAckedRecord() throws Exception {
    // what a kill -9 leaves: the files as they are between two appends, with the pre-zeroed tail
    Random random = new Random(7);
    List<byte[]> acked = new ArrayList<>();
    Path copy = Files.createDirectories(dir.resolve("copy").resolve("partition-0"));
    try (FileEventLog log = FileEventLog.open(dir.resolve("live"), options().build())) {
      appendRandom(log, random, 400, acked);
      try (Stream<Path> files = Files.list(dir.resolve("live").resolve("partition-0"))) {
        for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    try (FileEventLog log = FileEventLog.open(dir.resolve("copy"), options().build())) {
      assertExactly(log, acked);
    }
  }

  @Test
  void switchingModesBetweenOpeningsKeepsEveryRecord() throws Exception {
    Random random = new Random(3);
    List<byte[]> acked = new ArrayList<>();
    for (boolean direct : new boolean[] {false, true, false, true}) {
      try (FileEventLog log = FileEventLog.open(dir, options().directIo(direct).build())) {
        assertExactly(log, acked);
        appendRandom(log, random, 200, acked);
      }
    }
    try (FileEventLog log = FileEventLog.open(dir, options().build())) {
      assertExactly(log, acked);
    }
  }

  @Test
  void noSpaceMidDirectWriteFailsFullLeavesNoPartialFrameAndRecovers() throws Exception {
    Random random = new Random(11);
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options().build(), FaultyChannel.opener(faults))) {
      appendRandom(log, random, 40, acked);
      // a frame of 3 blocks and more, of which the disk takes one block: a torn direct write
      faults.writeAllowance = FaultyChannel.BLOCK;
      byte[] big = new byte[3 * FaultyChannel.BLOCK + 100];
      random.nextBytes(big);
      ExecutionException e = assertThrows(ExecutionException.class, () -> log.append(0, big).get());
      assertThat(((LogException) e.getCause()).reason()).isEqualTo(LogException.Reason.FULL);
      assertExactly(log, acked);
      byte[] file = Files.readAllBytes(segmentFile(0));
      int end = ackedBytes(acked);
      for (int i = end; i < file.length; i++) {
        if (file[i] != 0) org.junit.jupiter.api.Assertions.fail("byte " + i + " after the last acked frame is not zero");
      }

      faults.writeAllowance = Long.MAX_VALUE; // space returns
      appendRandom(log, random, 40, acked);
      assertExactly(log, acked);
    }
    assertReopensExactly(options().build(), acked);
  }

  @Test
  void failedFsyncAfterADirectWriteFailsItsAppendsAndTheNextOnesStillLand() throws Exception {
    Random random = new Random(5);
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options().build(), FaultyChannel.opener(faults))) {
      appendRandom(log, random, 30, acked);
      faults.failingForces = 1;
      ExecutionException e = assertThrows(ExecutionException.class, () -> log.append(0, new byte[] {9, 9, 9}).get());
      assertThat(((LogException) e.getCause()).reason()).isEqualTo(LogException.Reason.IO);
      assertExactly(log, acked);
      // the cut-back moved the end into the middle of a block that the appender had cached
      appendRandom(log, random, 30, acked);
      assertExactly(log, acked);
    }
    assertReopensExactly(options().build(), acked);
  }

  @Test
  void aRetryOfTheSameLengthAfterAFailedFsyncIsNotOverwrittenByTheFailedBytes() throws Exception {
    // the failed append's bytes were written (direct) and cut back; the retry, as long, ends where
    // they ended, so the appender's copy of that last block is stale: the next direct writes must
    // start from the retry's bytes (read from the file: no tail cache), not from the failed ones
    List<byte[]> acked = new ArrayList<>();
    Random random = new Random(17);
    FileLogOptions opts = options().tailCacheBytes(0).build();
    try (FileEventLog log = FileEventLog.open(dir, opts, FaultyChannel.opener(faults))) {
      appendRandom(log, random, 25, acked);
      byte[] failed = new byte[5_000];
      byte[] retry = new byte[5_000];
      java.util.Arrays.fill(failed, (byte) 'x');
      java.util.Arrays.fill(retry, (byte) 'y');
      faults.failingForces = 1;
      assertThrows(ExecutionException.class, () -> log.append(0, failed).get());
      log.append(0, retry).get();
      acked.add(retry);
      appendRandom(log, random, 25, acked);
      assertExactly(log, acked);
    }
    assertReopensExactly(opts, acked);
  }

  @Test
  void aTornDirectWriteNeverDamagesTheRecordsBeforeIt() throws Exception {
    // A direct append rewrites the partial block holding the end of the acked frames. Power lost
    // during that write can leave any mix of old and new 512-byte sectors: build such images from
    // the files before and after each append and recover them. Every record acked before the
    // append must survive whole; the append itself is either whole or gone.
    Random random = new Random(23);
    List<byte[]> acked = new ArrayList<>();
    Path live = dir.resolve("live");
    Path seg = live.resolve("partition-0").resolve(String.format("%020d.log", 0));
    try (FileEventLog log = FileEventLog.open(live, options().segmentBytes(8 << 20).build(), counting)) {
      appendRandom(log, random, 20, acked);
      for (int round = 0; round < 30; round++) {
        byte[] before = Files.readAllBytes(seg);
        byte[] next = record(random, acked.size());
        log.append(0, next).get();
        byte[] after = Files.readAllBytes(seg);
        for (int image = 0; image < 4; image++) {
          byte[] torn = after.clone();
          for (int sector = 0; sector * 512 < torn.length; sector++) {
            if (random.nextBoolean()) continue;
            for (int i = sector * 512; i < Math.min(torn.length, (sector + 1) * 512); i++) {
              torn[i] = i < before.length ? before[i] : 0;
            }
          }
          Path copy = dir.resolve("torn-" + round + "-" + image);
          Path part = Files.createDirectories(copy.resolve("partition-0"));
          Files.write(part.resolve(seg.getFileName()), torn);
          try (FileEventLog recovered = FileEventLog.open(copy, options().segmentBytes(8 << 20).build())) {
            long end = recovered.endPosition(0);
            assertThat(end).as("round %d image %d", round, image).isBetween((long) acked.size(), acked.size() + 1L);
            assertExactly(recovered, end == acked.size() ? acked : concat(acked, next));
          }
        }
        acked.add(next);
      }
    }
    assertThat(directOpens.get()).isPositive();
  }

  private static List<byte[]> concat(List<byte[]> a, byte[] b) {
    List<byte[]> all = new ArrayList<>(a);
    all.add(b);
    return all;
  }

  /** Bytes of the frames holding {@code acked}, one append each except batches; from the index-free scan. */
  private int ackedBytes(List<byte[]> acked) throws IOException {
    byte[] file = Files.readAllBytes(segmentFile(0));
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(file);
    int off = 0;
    long records = 0;
    while (records < acked.size()) {
      int frame = BatchFormat.check(buf, off, -1, Integer.MAX_VALUE);
      assertThat(frame).as("frame at %d", off).isPositive();
      records += BatchFormat.count(buf, off);
      off += frame;
    }
    return off;
  }
}
