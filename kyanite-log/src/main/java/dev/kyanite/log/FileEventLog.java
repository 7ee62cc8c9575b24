package dev.kyanite.log;

import dev.kyanite.core.Health;
import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.log.RecoveryReport.PartitionRecovery;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The embedded {@link EventLog}: segmented files per partition, CRC32C-framed batches, group
 * commit, crash recovery, retention and durable consumer offsets. Open with {@link #open}.
 *
 * <h2>Directory layout</h2>
 * <pre>
 * dir/.lock                           held (OS file lock) while a process has the log open
 * dir/consumer-offsets                committed group positions ({@link OffsetStore}), replaced atomically
 * dir/partition-N/recovery-point      where recovery may start ({@link RecoveryPoint})
 * dir/partition-N/00000000000000000000.log    segment whose first position is 0
 * dir/partition-N/00000000000000000000.index  its sparse index (written when sealed and on close)
 * dir/partition-N/00000000000000004711.log    next segment: first position 4711 ...
 * </pre>
 *
 * <h2>Segment file format, version 1</h2>
 * A {@code .log} file is a sequence of frames (no file header), in the active segment followed by
 * a run of zero bytes: the pre-zeroed tail ({@link FileLogOptions#preallocateBytes()}, at most that
 * many bytes, never past {@code segmentBytes}) that later frames overwrite. Sealed segments and the
 * files of a cleanly closed log have no zero tail. Each {@link #append(int, List) append} call
 * becomes exactly one frame, which is what makes a batch atomic: after a crash a frame is either
 * whole and valid or dropped entirely. All integers are big-endian.
 * <pre>
 * offset  size  field
 *  0      4     length      int32: bytes after this field (26 + the record bytes)
 *  4      4     crc         CRC32C (Castagnoli) of bytes [8, 4 + length)
 *  8      1     version     1
 *  9      1     flags       0 (reserved)
 * 10      8     position    int64: position of the first record of the frame
 * 18      8     timestamp   int64: milliseconds since the epoch when the log accepted the batch
 * 26      4     count       int32 ≥ 1: records in the frame
 * 30      ...   records     count times: size (int32 ≥ 0), then size payload bytes
 * </pre>
 * A frame is valid when its length fits (at least 26, at most {@link FileLogOptions#maxBatchBytes}),
 * the version is known, the CRC matches, the position is the one following the previous frame and
 * the records tile the frame exactly. A length field of 0 (a frame is never shorter than 30 bytes)
 * is where the frames end: if every byte from there to the end of the file is zero, that is the
 * pre-zeroed tail and the clean end of the segment; any non-zero byte after the last valid frame
 * is damage, which recovery truncates and reports. A {@code .index} file is a sequence of pairs (position − base
 * as int32, byte offset of the frame starting there as int32), one per 4 KiB of log at most.
 *
 * <h2>Writing</h2>
 * Each partition has one writer thread. {@code append} only queues (it never blocks, so event loops
 * may call it); the writer takes everything queued, writes it as consecutive frames, forces the
 * file once for the whole gather ({@link FsyncPolicy#ALWAYS}), then makes the records visible to
 * readers and hands the gather's acks to the partition's ack thread, which completes the futures
 * with {@link dev.kyanite.core.log.Durability#FSYNC} (so callbacks never hold up the next write). Under {@link FsyncPolicy#INTERVAL} and {@link
 * FsyncPolicy#NEVER} futures complete after the write with {@code WRITTEN}: that is all that is
 * true at that moment. A write or force that fails is cut back so that no partial frame remains;
 * its appends fail with {@link LogException.Reason#FULL} ("No space left on device" or the byte
 * budget) or {@code IO}, and the next appends try again by themselves. Between gathers the writer
 * keeps the active segment's zero tail refilled ({@link FileLogOptions#preallocateBytes()}), so
 * that group-commit fsyncs overwrite allocated blocks and flush data, not file-size metadata.
 * Under {@code ALWAYS} those overwrites bypass the page cache ({@link FileLogOptions#directIo()},
 * {@link DirectAppender}): whole blocks, the last partial one rewritten with the bytes it holds.
 *
 * <h2>Reading</h2>
 * Recently acknowledged records are served from a per-partition memory cache (the last {@link
 * FileLogOptions#tailCacheBytes()}, held off the Java heap in one direct buffer per partition and
 * copied out into fresh arrays per read); older ones by positional reads located with the sparse
 * index. Frames are CRC-checked on every file read.
 * Readers waiting at the tail are woken by the writer's publication, not by polling.
 *
 * <h2>Recovery, retention</h2>
 * See {@link Recovery} (only bytes written since the last recovery point are re-validated) and
 * {@link #enforceRetention()}. What recovery did is in {@link #recoveryReport()} and in the
 * {@code System.Logger} log.
 *
 * <p>Thread-safe. Futures complete on the log's threads (a partition's ack thread; failures also on
 * its writer thread): callers attach only non-blocking callbacks. After {@link #close()} returns,
 * every append has completed.
 */
public final class FileEventLog implements EventLog {
  private static final System.Logger LOG = System.getLogger(FileEventLog.class.getName());

  private final Path dir;
  private final Shared shared;
  private final Partition[] partitions;
  private final OffsetStore offsets;
  private final RecoveryReport report;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ScheduledExecutorService housekeeper;
  private volatile boolean closed;

  /** State the partitions share: options, bytes on disk, the disk-full flag. */
  static final class Shared {
    final FileLogOptions options;
    final Path dir;
    final Segment.ChannelOpener opener;
    private final AtomicLong bytes = new AtomicLong();
    final java.util.concurrent.atomic.LongAdder appends = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder records = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder fsyncs = new java.util.concurrent.atomic.LongAdder();
    /** The file system refused an append (no space) and no write has succeeded since. */
    private volatile boolean diskFull;
    final SegmentPreparer preparer;

    Shared(FileLogOptions options, Path dir, Segment.ChannelOpener opener) {
      this.options = options;
      this.dir = dir;
      this.opener = opener;
      this.preparer = new SegmentPreparer(this);
    }

    boolean overBudget(long more) {
      return options.maxBytes() != Long.MAX_VALUE && bytes.get() + more > options.maxBytes();
    }

    /**
     * Whether the budget refuses an append of {@code more} bytes, after first giving back the
     * prepared segment files not adopted yet ({@link SegmentPreparer#releaseUnadopted}): zeros
     * written ahead never cost an append.
     */
    boolean refusesAppend(long more) {
      return overBudget(more) && !(preparer.releaseUnadopted() && !overBudget(more));
    }

    void addBytes(long delta) {
      bytes.addAndGet(delta);
    }

    void markDiskFull(boolean isFull) {
      if (diskFull != isFull) diskFull = isFull; // read first: the append path rarely writes the shared line
    }
  }

  private FileEventLog(Path dir, FileLogOptions options, Segment.ChannelOpener opener) throws IOException {
    long t0 = System.nanoTime();
    this.dir = dir;
    Files.createDirectories(dir);
    lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new LogException(LogException.Reason.UNAVAILABLE, "log directory " + dir + " is in use by another log");
    }
    lock = l;
    int existing = countPartitionDirs(dir);
    if (existing != 0 && existing != options.partitions()) {
      release();
      throw new IllegalArgumentException("log at " + dir + " has " + existing + " partitions; options ask for "
          + options.partitions() + " (the partition count is fixed once written)");
    }
    shared = new Shared(options, dir, opener);
    partitions = new Partition[options.partitions()];
    List<PartitionRecovery> recoveries = new ArrayList<>();
    try {
      for (int p = 0; p < partitions.length; p++) {
        partitions[p] = Recovery.open(p, dir.resolve("partition-" + p), shared, recoveries);
      }
      DurableFiles.forceDirectory(dir); // the partition directories themselves must survive a power cut
      offsets = new OffsetStore(dir, options.partitions());
      shared.addBytes(measureBytes());
    } catch (IOException | RuntimeException e) {
      release();
      throw e;
    }
    report = new RecoveryReport(List.copyOf(recoveries), offsets.wasReset(), (System.nanoTime() - t0) / 1_000_000);
    if (report.repaired()) LOG.log(System.Logger.Level.WARNING, "log {0} recovered: {1}", dir, report);
    for (Partition p : partitions) p.startWriter();
    housekeeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kyanite-log-retention");
      t.setDaemon(true);
      return t;
    });
    long every = options.retentionCheckInterval().toMillis();
    if (every > 0) housekeeper.scheduleWithFixedDelay(this::retentionQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens (creating if needed) the log in {@code dir}, recovering it first: a torn or corrupt tail
   * is truncated, missing indexes are rebuilt; see {@link #recoveryReport()}. One process at a time
   * may hold a directory open.
   *
   * @throws LogException with reason {@code IO} if the directory cannot be read or repaired, or
   *     {@code UNAVAILABLE} if another log holds it
   * @throws IllegalArgumentException if the directory holds a log with a different partition count
   */
  public static FileEventLog open(Path dir, FileLogOptions options) {
    return open(dir, options, Segment.ChannelOpener.DEFAULT);
  }

  /** {@link #open(Path, FileLogOptions)} with segment channels from {@code opener} (fault injection in tests). */
  static FileEventLog open(Path dir, FileLogOptions options, Segment.ChannelOpener opener) {
    try {
      return new FileEventLog(dir, options, opener);
    } catch (IOException e) {
      throw new LogException(LogException.Reason.IO, "cannot open log at " + dir + ": " + e, e);
    }
  }

  /** What recovery found and repaired when this instance opened. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** Bytes of segment and index files on disk, as counted against {@link FileLogOptions#maxBytes()}. */
  public long diskBytes() {
    return shared.bytes.get();
  }

  /** Counters since open: acknowledged appends and records, fsyncs, bytes on disk. */
  public FileLogStats stats() {
    return new FileLogStats(shared.appends.sum(), shared.records.sum(), shared.fsyncs.sum(), diskBytes());
  }

  public FileLogOptions options() {
    return shared.options;
  }

  @Override
  public int partitions() {
    return partitions.length;
  }

  @Override
  public CompletableFuture<AppendResult> append(int partition, List<byte[]> records) {
    Partition p = partition(partition);
    if (records.isEmpty()) throw new IllegalArgumentException("records must not be empty");
    return p.append(records);
  }

  @Override
  public List<LogRecord> read(int partition, long fromPosition, int maxRecords, Duration maxWait) {
    return partition(partition).read(fromPosition, maxRecords, maxWait);
  }

  @Override
  public long startPosition(int partition) {
    return partition(partition).start();
  }

  @Override
  public long endPosition(int partition) {
    return partition(partition).end();
  }

  @Override
  public void commit(String group, int partition, long nextPosition) {
    partition(partition);
    if (closed) throw new LogException(LogException.Reason.CLOSED, "log closed");
    offsets.commit(group, partition, nextPosition);
  }

  @Override
  public long committed(String group, int partition) {
    partition(partition);
    return offsets.committed(group, partition);
  }

  /**
   * Deletes, per partition, the oldest sealed segments whose newest record is older than {@link
   * FileLogOptions#retentionAge()} and whose records every consumer group has committed past. The
   * active segment is never deleted. Runs in the background every {@link
   * FileLogOptions#retentionCheckInterval()} too.
   */
  @Override
  public synchronized long enforceRetention() {
    if (closed) return 0;
    long cutoff = shared.options.clock().millis() - shared.options.retentionAge().toMillis();
    long deleted = 0;
    for (Partition p : partitions) {
      try {
        deleted += p.enforceRetention(cutoff, Math.min(offsets.minCommitted(p.id), p.end()));
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "retention of partition {0} failed: {1}", p.id, e.toString());
      }
    }
    if (deleted > 0) LOG.log(System.Logger.Level.INFO, "retention deleted {0} records in {1}", deleted, dir);
    return deleted;
  }

  private void retentionQuietly() {
    try {
      enforceRetention();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "retention failed", e);
    }
  }

  /**
   * Down when closed; when a partition failed (until reopened); while less than {@link #headroom()}
   * of the byte budget is left; or after the file system refused an append for lack of space,
   * until a write succeeds or it has room again. The budget part reads the byte count that open
   * measures and every append, roll and retention pass keeps current, so it holds from the first
   * check after a restart and does not depend on which append failed last.
   */
  @Override
  public Health check() {
    if (closed) return Health.down("log closed");
    for (Partition p : partitions) {
      if (p.failure() != null) return Health.down("log partition " + p.id + " failed: " + p.failure().getMessage());
    }
    if (shared.overBudget(headroom())) {
      return Health.down("log byte budget full (" + diskBytes() + " of " + shared.options.maxBytes() + " bytes; ready again with "
          + headroom() + " free)");
    }
    if (shared.diskFull) {
      if (diskRoomAgain()) {
        shared.markDiskFull(false);
      } else {
        return Health.down("disk full under " + dir);
      }
    }
    return Health.OK;
  }

  /**
   * Budget that must be left for the log to count as ready: small against the budget (at most
   * 64 KiB), never zero. A ready log may still refuse an append larger than this.
   */
  private long headroom() {
    return Math.max(1, Math.min(64 * 1024, shared.options.maxBytes() / 16));
  }

  private boolean diskRoomAgain() {
    try {
      return Files.getFileStore(dir).getUsableSpace() > 64 * 1024;
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes everything queued, forces it, stores clean recovery points; later calls do nothing. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    housekeeper.shutdownNow();
    shared.preparer.close(); // a next segment being written stops, rather than hold up the close
    for (Partition p : partitions) p.close();
    release();
  }

  /** Whether partition {@code p}'s next segment file is prepared and ready for its roll. For tests. */
  boolean nextSegmentReady(int p) {
    return partition(p).nextSegmentReady();
  }

  /** Stops without the clean-shutdown steps, as a crash after the last ack would. For tests. */
  synchronized void halt() {
    if (closed) return;
    closed = true;
    housekeeper.shutdownNow();
    shared.preparer.close();
    for (Partition p : partitions) p.halt();
    release();
  }

  private void release() {
    if (shared != null) shared.preparer.close(); // also on a failed open
    try {
      if (lock != null && lock.isValid()) lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // the OS drops the lock with the process anyway
    }
  }

  private Partition partition(int partition) {
    if (partition < 0 || partition >= partitions.length) {
      throw new IllegalArgumentException("partition " + partition + " out of [0, " + partitions.length + ")");
    }
    return partitions[partition];
  }

  private long measureBytes() throws IOException {
    long total = 0;
    for (Partition p : partitions) {
      try (Stream<Path> files = Files.list(p.dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String n = f.getFileName().toString();
          if (n.endsWith(".log") || n.endsWith(".index")) total += Files.size(f);
        }
      }
    }
    return total;
  }

  private static int countPartitionDirs(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(f -> f.getFileName().toString().startsWith("partition-") && Files.isDirectory(f)).count();
    }
  }

  /** Maps an I/O failure to the typed error callers act on: a full disk is {@code FULL}. */
  static LogException failure(String what, IOException e) {
    return new LogException(isNoSpace(e) ? LogException.Reason.FULL : LogException.Reason.IO, what + " failed: " + e, e);
  }

  /** Whether {@code e} says the disk (or the quota) is full. */
  static boolean isNoSpace(IOException e) {
    String msg = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
    return msg != null && (msg.contains("No space left") || msg.contains("Disk quota exceeded"));
  }
}
