package dev.kyanite.log;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Settings of a {@link FileEventLog}. Build with {@link #builder()}; every field has a default.
 *
 * @param partitions number of partitions; fixed once the directory holds a log
 * @param fsync when appends are forced to the device (default {@link FsyncPolicy#ALWAYS})
 * @param fsyncInterval period of the background force under {@link FsyncPolicy#INTERVAL}
 * @param segmentBytes a segment rolls before it would exceed this size (a lone larger batch gets a
 *     segment of its own)
 * @param segmentAge a segment rolls at the first append after its first record is this old
 * @param retentionAge segments whose newest record is older than this, and that every consumer
 *     group has committed past, are deleted
 * @param maxBytes byte budget: appends fail with {@code FULL} rather than let segment and index
 *     files of all partitions grow past it ({@link Long#MAX_VALUE}: only the disk limits)
 * @param clock source of record timestamps and of the ages above
 * @param maxBatchBytes largest encoded batch accepted; larger appends fail with {@code TOO_LARGE}
 * @param tailCacheBytes per partition, bytes of recently appended records kept in memory (off the
 *     Java heap: a direct buffer of this size per partition, allocated at the first append; each
 *     record takes its payload plus 12 bytes; capped at 1 GiB) so tailing readers never touch the
 *     files (0: no cache; default 8 MiB: keyless load goes to one partition at a time, and readers
 *     that fall behind the cache read O_DIRECT-written records back from the device)
 * @param retentionCheckInterval how often retention runs in the background ({@link Duration#ZERO}:
 *     only when {@code enforceRetention()} is called)
 * @param commitLinger under {@link FsyncPolicy#ALWAYS}, the longest a writer waits for appenders
 *     it just acknowledged to append again, so that one fsync covers them all; it waits only while
 *     fewer appends are queued than its previous gather held ({@link Duration#ZERO}: never wait)
 * @param preallocateBytes unless fsync is {@link FsyncPolicy#NEVER}, the writer keeps up to this
 *     many zero bytes written ahead of the active segment's last frame (refilled in chunks, never
 *     past {@code segmentBytes}, skipped near {@code maxBytes}), so that an fsync flushes data, not
 *     file-size metadata; the zeros count as bytes on disk and are cut off at a roll and a clean
 *     close (0: off; default 4 MiB)
 * @param fsyncObserver called with the duration in nanoseconds of every force that acknowledgements
 *     wait for (each group commit under {@link FsyncPolicy#ALWAYS}, each background force under
 *     {@link FsyncPolicy#INTERVAL}), on the writer thread of the partition, right after the force
 *     returned and before the acks are handed over: it must be fast and thread-safe (partitions
 *     call it concurrently); an exception it throws is ignored. For a latency histogram: the disk's
 *     flush time is the floor of every {@code fsync=always} ack (default: does nothing)
 * @param directIo under {@link FsyncPolicy#ALWAYS}, the active segment is written with {@code
 *     O_DIRECT} where the file system allows it (see {@link DirectAppender}): no page-cache copy per
 *     append, less than half the writer's CPU per group commit; reads still use the page cache
 *     (default true; ignored under the other policies, whose writes are not forced one by one)
 * @param prepareSegments unless {@code preallocateBytes} is 0 or fsync is {@link FsyncPolicy#NEVER},
 *     a partition whose active segment is half full has its next segment file written in the
 *     background ({@code segmentBytes} of forced zeros, see {@link SegmentPreparer}), so that the
 *     writer pre-zeroes nothing after the roll; the file counts as bytes on disk (default true)
 */
public record FileLogOptions(
    int partitions,
    FsyncPolicy fsync,
    Duration fsyncInterval,
    long segmentBytes,
    Duration segmentAge,
    Duration retentionAge,
    long maxBytes,
    Clock clock,
    int maxBatchBytes,
    long tailCacheBytes,
    Duration retentionCheckInterval,
    Duration commitLinger,
    long preallocateBytes,
    LongConsumer fsyncObserver,
    boolean directIo,
    boolean prepareSegments) {

  public FileLogOptions {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(fsyncObserver, "fsyncObserver");
    if (fsyncInterval.isNegative() || fsyncInterval.isZero()) throw new IllegalArgumentException("fsyncInterval must be > 0");
    if (segmentBytes < 1024 || segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segmentBytes must be in [1 KiB, 2 GiB)");
    }
    if (segmentAge.isNegative() || segmentAge.isZero()) throw new IllegalArgumentException("segmentAge must be > 0");
    if (retentionAge.isNegative()) throw new IllegalArgumentException("retentionAge must be >= 0");
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be > 0");
    if (maxBatchBytes < 1024) throw new IllegalArgumentException("maxBatchBytes must be >= 1 KiB");
    if (tailCacheBytes < 0) throw new IllegalArgumentException("tailCacheBytes must be >= 0");
    if (retentionCheckInterval.isNegative()) throw new IllegalArgumentException("retentionCheckInterval must be >= 0");
    if (commitLinger.isNegative() || commitLinger.toMillis() > 100) {
      throw new IllegalArgumentException("commitLinger must be in [0, 100 ms]");
    }
    if (preallocateBytes < 0 || preallocateBytes > (1L << 30)) {
      throw new IllegalArgumentException("preallocateBytes must be in [0, 1 GiB]");
    }
  }

  /** All defaults: 4 partitions, fsync always, 64 MiB / 1 day segments, 7 days retention. */
  public static FileLogOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.partitions = partitions;
    b.fsync = fsync;
    b.fsyncInterval = fsyncInterval;
    b.segmentBytes = segmentBytes;
    b.segmentAge = segmentAge;
    b.retentionAge = retentionAge;
    b.maxBytes = maxBytes;
    b.clock = clock;
    b.maxBatchBytes = maxBatchBytes;
    b.tailCacheBytes = tailCacheBytes;
    b.retentionCheckInterval = retentionCheckInterval;
    b.commitLinger = commitLinger;
    b.preallocateBytes = preallocateBytes;
    b.fsyncObserver = fsyncObserver;
    b.directIo = directIo;
    b.prepareSegments = prepareSegments;
    return b;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int partitions = 4;
    private FsyncPolicy fsync = FsyncPolicy.ALWAYS;
    private Duration fsyncInterval = Duration.ofMillis(10);
    private long segmentBytes = 64L << 20;
    private Duration segmentAge = Duration.ofDays(1);
    private Duration retentionAge = Duration.ofDays(7);
    private long maxBytes = Long.MAX_VALUE;
    private Clock clock = Clock.systemUTC();
    private int maxBatchBytes = 8 << 20;
    private long tailCacheBytes = 8L << 20;
    private Duration retentionCheckInterval = Duration.ofMinutes(1);
    private Duration commitLinger = Duration.ofNanos(200_000);
    private long preallocateBytes = 4L << 20;
    private LongConsumer fsyncObserver = nanos -> {};
    private boolean directIo = true;
    private boolean prepareSegments = true;

    private Builder() {}

    public Builder partitions(int v) { partitions = v; return this; }
    public Builder fsync(FsyncPolicy v) { fsync = v; return this; }
    public Builder fsyncInterval(Duration v) { fsyncInterval = v; return this; }
    public Builder segmentBytes(long v) { segmentBytes = v; return this; }
    public Builder segmentAge(Duration v) { segmentAge = v; return this; }
    public Builder retentionAge(Duration v) { retentionAge = v; return this; }
    public Builder maxBytes(long v) { maxBytes = v; return this; }
    public Builder clock(Clock v) { clock = v; return this; }
    public Builder maxBatchBytes(int v) { maxBatchBytes = v; return this; }
    public Builder tailCacheBytes(long v) { tailCacheBytes = v; return this; }
    public Builder retentionCheckInterval(Duration v) { retentionCheckInterval = v; return this; }
    public Builder commitLinger(Duration v) { commitLinger = v; return this; }
    public Builder preallocateBytes(long v) { preallocateBytes = v; return this; }
    public Builder fsyncObserver(LongConsumer v) { fsyncObserver = v; return this; }
    public Builder directIo(boolean v) { directIo = v; return this; }
    public Builder prepareSegments(boolean v) { prepareSegments = v; return this; }

    public FileLogOptions build() {
      return new FileLogOptions(partitions, fsync, fsyncInterval, segmentBytes, segmentAge, retentionAge,
          maxBytes, clock, maxBatchBytes, tailCacheBytes, retentionCheckInterval, commitLinger, preallocateBytes,
          fsyncObserver, directIo, prepareSegments);
    }
  }
}
