package dev.kyanite.log;

import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition of a {@link FileEventLog}: its segments, what readers may see (start, end, the
 * tail cache), reads and retention. Appends go to its {@link PartitionWriter}, which publishes
 * them here; readers wait on a condition signalled by each publication.
 *
 * <p>Invariants: {@code segments} is replaced, never mutated (copy on write, under {@code lock});
 * every position below {@code end} is durable at the configured level and readable unless below
 * {@code start}; the tail cache holds only published records.
 */
final class Partition {
  private static final long READ_BYTES = 1 << 20;

  final int id;
  final java.nio.file.Path dir;
  private final FileEventLog.Shared shared;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final TailCache cache;
  private final PartitionWriter writer;
  private volatile Segment[] segments;
  private volatile long start;
  private volatile long end;
  private volatile boolean closed;
  private volatile IOException failed;

  Partition(int id, java.nio.file.Path dir, FileEventLog.Shared shared, Segment[] segments, long end) {
    this.id = id;
    this.dir = dir;
    this.shared = shared;
    this.segments = segments;
    this.start = segments[0].base;
    this.end = end;
    this.cache = new TailCache(shared.options.tailCacheBytes());
    // recovery just stored a recovery point at the end of the active segment
    this.writer = new PartitionWriter(this, shared, end, segments[segments.length - 1].size());
  }

  void startWriter() {
    writer.start();
  }

  boolean isClosed() {
    return closed;
  }

  void fail(IOException e) {
    failed = e;
  }

  Segment active() {
    Segment[] s = segments;
    return s[s.length - 1];
  }

  /** Adds a freshly rolled segment as the active one (writer thread). */
  void addSegment(Segment fresh) {
    lock.lock();
    try {
      Segment[] s = Arrays.copyOf(segments, segments.length + 1);
      s[s.length - 1] = fresh;
      segments = s;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the records of a run just written into the tail cache, pending until {@link #publish}
   * (writer thread). The run's frames are in {@code buf}, frame {@code k} at {@code frameOffsets[k]}
   * holding the records of {@code appends.get(k)} from position {@code positions[k]}: copied from
   * there while they are hot, not from the appenders' arrays.
   */
  void cache(ByteBuffer buf, int[] frameOffsets, List<PartitionWriter.Pending> appends, long[] positions, long timestamp) {
    lock.lock();
    try {
      for (int k = 0; k < appends.size(); k++) {
        List<byte[]> records = appends.get(k).records();
        int at = frameOffsets[k] + BatchFormat.HEADER;
        for (int r = 0; r < records.size(); r++) {
          int length = records.get(r).length;
          cache.add(positions[k] + r, timestamp, buf, at + BatchFormat.RECORD_OVERHEAD, length);
          at += BatchFormat.RECORD_OVERHEAD + length;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Forgets what {@link #cache} added since the last publication: it was cut back (writer thread). */
  void dropCached() {
    lock.lock();
    try {
      cache.dropPending();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes written (and, per policy, forced) runs visible: advances the segments, publishes their
   * records in the tail cache, moves the end and wakes waiting readers (writer thread).
   */
  void publish(List<PartitionWriter.Written> done, long newEnd) {
    lock.lock();
    try {
      for (PartitionWriter.Written w : done) w.segment().advance(w.endBytes(), w.timestamp());
      cache.publish();
      end = newEnd;
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long start() {
    return start;
  }

  long end() {
    return end;
  }

  IOException failure() {
    return failed;
  }

  // ---- append ----

  CompletableFuture<AppendResult> append(List<byte[]> records) {
    if (closed) return CompletableFuture.failedFuture(new LogException(LogException.Reason.CLOSED, "log closed"));
    IOException f = failed;
    if (f != null) {
      return CompletableFuture.failedFuture(new LogException(LogException.Reason.IO, "partition " + id + " failed: " + f, f));
    }
    int frame = BatchFormat.frameSize(records);
    if (frame > shared.options.maxBatchBytes()) {
      return CompletableFuture.failedFuture(new LogException(LogException.Reason.TOO_LARGE,
          "batch of " + frame + " bytes exceeds " + shared.options.maxBatchBytes()));
    }
    if (shared.refusesAppend(frame - active().spare())) { // the pre-zeroed tail is already counted
      return CompletableFuture.failedFuture(new LogException(LogException.Reason.FULL, "log byte budget reached"));
    }
    return writer.enqueue(records, frame);
  }


  // ---- read ----

  List<LogRecord> read(long from, int max, Duration maxWait) {
    if (max < 1) throw new IllegalArgumentException("maxRecords must be >= 1");
    if (closed) throw new LogException(LogException.Reason.CLOSED, "log closed");
    if (end <= from) {
      long deadline = System.nanoTime() + maxWait.toNanos();
      lock.lock();
      try {
        while (end <= from && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return List.of();
          appended.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      } finally {
        lock.unlock();
      }
      if (closed) throw new LogException(LogException.Reason.CLOSED, "log closed");
    }
    long upTo = end;
    lock.lock();
    try {
      long f = Math.max(from, start);
      if (cache.covers(f)) return cache.read(id, f, max);
    } finally {
      lock.unlock();
    }
    for (int attempt = 0; ; attempt++) {
      long f = Math.max(from, start);
      try {
        return readFiles(f, upTo, max);
      } catch (ClosedChannelException e) {
        // retention deleted the segment under us (or the log is closing): retry from the new start
        if (closed) throw new LogException(LogException.Reason.CLOSED, "log closed");
        if (attempt > 3) throw new LogException(LogException.Reason.IO, "segment vanished while reading", e);
      } catch (IOException e) {
        throw new LogException(LogException.Reason.IO, "read of partition " + id + " failed: " + e, e);
      }
    }
  }

  private List<LogRecord> readFiles(long from, long upTo, int max) throws IOException {
    Segment[] segs = segments;
    int i = segs.length - 1;
    while (i > 0 && segs[i].base > from) i--;
    List<LogRecord> out = new ArrayList<>(Math.min(max, 1024));
    for (; i < segs.length && out.size() < max && from < upTo; i++) {
      Segment s = segs[i];
      if (i + 1 < segs.length && segs[i + 1].base <= from) continue;
      s.read(id, from, upTo, max, READ_BYTES, shared.options.maxBatchBytes(), out);
      if (!out.isEmpty()) from = out.get(out.size() - 1).position() + 1;
      if (out.size() > 0 && estimateBytes(out) >= READ_BYTES) break;
    }
    return out;
  }

  private static long estimateBytes(List<LogRecord> out) {
    long n = 0;
    for (LogRecord r : out) n += r.payload().length + 16;
    return n;
  }

  // ---- retention ----

  /** Deletes sealed segments whose newest record is older than the cutoff and below {@code safeEnd}. */
  long enforceRetention(long cutoffMillis, long safeEnd) throws IOException {
    long deleted = 0;
    while (true) {
      Segment[] segs = segments;
      if (segs.length < 2) break;
      Segment oldest = segs[0];
      long nextBase = segs[1].base;
      if (nextBase > safeEnd) break;
      long newest = oldest.lastTimestamp(shared.options.maxBatchBytes());
      if (newest >= cutoffMillis) break;
      lock.lock();
      try {
        segments = Arrays.copyOfRange(segs, 1, segs.length);
        start = nextBase;
      } finally {
        lock.unlock();
      }
      long bytes = oldest.diskBytes();
      oldest.delete();
      shared.addBytes(-bytes);
      deleted += nextBase - oldest.base;
    }
    if (deleted > 0) DurableFiles.forceDirectory(dir);
    return deleted;
  }

  // ---- shutdown ----

  /** Whether the writer holds a prepared next segment, ready for its roll (for tests). */
  boolean nextSegmentReady() {
    return writer.nextSegmentReady();
  }

  /** Stops the writer after it has written everything queued, then seals the tail cleanly. */
  void close() {
    stopWriter();
    Segment a = active();
    long before = a.fileBytes();
    try {
      a.trimTail(); // the files of a cleanly closed log end at their last frame
      shared.addBytes(a.fileBytes() - before);
      a.forceAll();
      a.writeIndex();
      new RecoveryPoint(a.base, a.size(), end).write(dir);
    } catch (IOException e) {
      System.getLogger(Partition.class.getName()).log(System.Logger.Level.WARNING,
          "clean shutdown of partition {0} incomplete, next open will re-validate its tail: {1}", id, e.toString());
    }
    for (Segment s : segments) s.close();
  }

  /** Stops like a crash would: no final force, index or recovery point. For tests. */
  void halt() {
    stopWriter();
    for (Segment s : segments) s.close();
  }

  private void stopWriter() {
    closed = true;
    writer.stop();
    lock.lock();
    try {
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
