package dev.kyanite.log;

import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.Durability;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition of a {@link FileEventLog}: its segments, its writer thread and its readers.
 *
 * <p>Appends are queued (never blocking the caller) to the partition's writer thread, which takes
 * everything queued at once (a <em>gather</em>), encodes each append as one frame, writes the
 * frames, forces the file once for the whole gather under {@link FsyncPolicy#ALWAYS}, and only
 * then publishes the new end position to readers and completes the futures (on the writer
 * thread). Readers wait on a condition signalled by each publication.
 */
final class Partition {
  private static final int MAX_GATHER = 4096;
  private static final long READ_BYTES = 1 << 20;
  private static final Pending STOP = new Pending(List.of(), 0, null);
  /** Bytes of the active segment after which the recovery point moves forward without a roll. */
  static final long CHECKPOINT_BYTES = 16L << 20;

  record Pending(List<byte[]> records, int frameSize, CompletableFuture<AppendResult> future) {}

  /** An encoded run of appends written but not yet published. */
  private record Written(Segment segment, long endBytes, long timestamp, List<Pending> appends, long[] positions) {}

  final int id;
  final java.nio.file.Path dir;
  private final FileEventLog.Shared shared;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final TailCache cache;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
  private final List<Written> unpublished = new ArrayList<>();
  private final Durability durability;
  private volatile Segment[] segments;
  private volatile long start;
  private volatile long end;
  private volatile boolean closed;
  private volatile IOException failed;
  private long nextPosition;
  private long checkpointBytes;
  private Thread writer;

  Partition(int id, java.nio.file.Path dir, FileEventLog.Shared shared, Segment[] segments, long end) {
    this.id = id;
    this.dir = dir;
    this.shared = shared;
    this.segments = segments;
    this.start = segments[0].base;
    this.end = end;
    this.nextPosition = end;
    this.checkpointBytes = segments[segments.length - 1].size(); // recovery just stored a point here
    this.cache = new TailCache(shared.options.tailCacheBytes());
    this.durability = shared.options.fsync() == FsyncPolicy.ALWAYS ? Durability.FSYNC : Durability.WRITTEN;
  }

  void startWriter() {
    writer = new Thread(this::writeLoop, "kyanite-log-writer-" + id);
    writer.setDaemon(true);
    writer.start();
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
    if (shared.overBudget(frame)) {
      shared.markFull(true);
      return CompletableFuture.failedFuture(new LogException(LogException.Reason.FULL, "log byte budget reached"));
    }
    CompletableFuture<AppendResult> future = new CompletableFuture<>();
    queue.add(new Pending(records, frame, future));
    if (closed && !writer.isAlive()) failQueued(); // lost the race with close()
    return future;
  }

  private void writeLoop() {
    List<Pending> gather = new ArrayList<>();
    long intervalNanos = shared.options.fsyncInterval().toNanos();
    long lastForce = System.nanoTime();
    boolean dirty = false;
    boolean stop = false;
    while (!stop) {
      Pending first;
      try {
        if (shared.options.fsync() == FsyncPolicy.INTERVAL && dirty) {
          long wait = intervalNanos - (System.nanoTime() - lastForce);
          first = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
        } else {
          first = queue.take();
        }
      } catch (InterruptedException e) {
        break;
      }
      if (first != null) {
        gather.add(first);
        queue.drainTo(gather, MAX_GATHER);
        lingerForReturningAppenders(gather);
        int stopAt = gather.indexOf(STOP);
        if (stopAt >= 0) {
          stop = true;
          gather.subList(stopAt, gather.size()).clear();
        }
        process(gather);
        dirty |= !gather.isEmpty();
        gather.clear();
        if (checkpoint()) dirty = false;
      }
      if (dirty && shared.options.fsync() == FsyncPolicy.INTERVAL && System.nanoTime() - lastForce >= intervalNanos) {
        forceQuietly();
        lastForce = System.nanoTime();
        dirty = false;
      }
    }
    failQueued();
  }

  private int previousGather;

  /**
   * Moves the recovery point to the end of the active segment once it has grown by {@link
   * #CHECKPOINT_BYTES} since the last point, so that after a crash recovery re-validates at most
   * that much per partition, however large segments are. Returns whether it forced the segment.
   */
  private boolean checkpoint() {
    Segment a = active();
    if (checkpointBytes > a.size()) checkpointBytes = 0; // rolled: the roll stored a point at 0
    if (a.size() - checkpointBytes < CHECKPOINT_BYTES || failed != null) return false;
    try {
      if (shared.options.fsync() != FsyncPolicy.ALWAYS) {
        a.force();
        shared.fsyncs.increment();
      }
      a.writeIndex();
      new RecoveryPoint(a.base, a.size(), end).write(dir);
      checkpointBytes = a.size();
      return true;
    } catch (IOException e) {
      // harmless: the previous point stays valid, recovery just re-validates more
      System.getLogger(Partition.class.getName()).log(System.Logger.Level.WARNING,
          "recovery point of partition {0} not moved: {1}", id, e.toString());
      checkpointBytes = a.size();
      return false;
    }
  }

  /**
   * Under fsync=always, appenders whose acks the previous gather just completed usually append
   * again within microseconds. When fewer appends are queued than the previous gather held, wait
   * briefly (at most {@link FileLogOptions#commitLinger()}) for them, so that one fsync covers them
   * all instead of splitting them over two. At low load the previous gather is small, so nobody
   * waits. The same idea as PostgreSQL's {@code commit_delay}.
   */
  private void lingerForReturningAppenders(List<Pending> gather) {
    long linger = shared.options.commitLinger().toNanos();
    int target = Math.min(previousGather, MAX_GATHER);
    if (linger > 0 && shared.options.fsync() == FsyncPolicy.ALWAYS && gather.size() < target
        && !gather.contains(STOP)) {
      long deadline = System.nanoTime() + linger;
      try {
        while (gather.size() < target) {
          long left = deadline - System.nanoTime();
          if (left <= 0) break;
          Pending more = queue.poll(Math.min(left, 20_000), TimeUnit.NANOSECONDS);
          if (more == null) continue;
          gather.add(more);
          queue.drainTo(gather, MAX_GATHER - gather.size());
          if (more == STOP || gather.contains(STOP)) break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    previousGather = gather.size();
  }

  private void failQueued() {
    Pending p;
    while ((p = queue.poll()) != null) {
      if (p != STOP) p.future.completeExceptionally(new LogException(LogException.Reason.CLOSED, "log closed"));
    }
  }

  private void forceQuietly() {
    try {
      active().force();
      shared.fsyncs.increment();
    } catch (IOException e) {
      System.getLogger(Partition.class.getName()).log(System.Logger.Level.WARNING,
          "background force of partition {0} failed: {1}", id, e.toString());
    }
  }

  private Segment active() {
    Segment[] s = segments;
    return s[s.length - 1];
  }

  /** Writes every append of one gather, forcing once, then publishes and completes them. */
  private void process(List<Pending> gather) {
    if (failed != null) {
      for (Pending p : gather) {
        p.future.completeExceptionally(new LogException(LogException.Reason.IO, "partition " + id + " failed", failed));
      }
      return;
    }
    long now = shared.options.clock().millis();
    int i = 0;
    while (i < gather.size()) {
      Pending p = gather.get(i);
      Segment seg = active();
      if (needsRoll(seg, p.frameSize, now)) {
        publishWritten();
        try {
          roll();
        } catch (IOException e) {
          p.future.completeExceptionally(FileEventLog.failure("segment roll of partition " + id, e));
          i++;
          continue;
        }
        seg = active();
      }
      // Encode a run: as many appends as fit the buffer and the segment.
      ByteBuffer buf = p.frameSize > buffer.capacity() ? ByteBuffer.allocate(p.frameSize) : buffer;
      buf.clear();
      List<Pending> run = new ArrayList<>();
      long[] positions = new long[gather.size() - i];
      long pos = nextPosition;
      long segBytes = seg.written();
      long frameStart = segBytes;
      List<long[]> indexEntries = new ArrayList<>();
      while (i < gather.size()) {
        Pending q = gather.get(i);
        if (!run.isEmpty() && (q.frameSize > buf.remaining() || needsRoll(seg, segBytes, q, now))) break;
        if (shared.overBudget(q.frameSize + (segBytes - seg.written()))) {
          shared.markFull(true);
          q.future.completeExceptionally(new LogException(LogException.Reason.FULL, "log byte budget reached"));
          i++;
          continue;
        }
        BatchFormat.encode(buf, pos, now, q.records());
        positions[run.size()] = pos;
        indexEntries.add(new long[] {pos, frameStart});
        run.add(q);
        pos += q.records().size();
        frameStart += q.frameSize;
        segBytes += q.frameSize;
        i++;
      }
      if (run.isEmpty()) continue;
      buf.flip();
      long runBytes = buf.remaining();
      try {
        seg.write(buf);
      } catch (IOException e) {
        LogException failure = FileEventLog.failure("append to partition " + id, e);
        if (failure.reason() == LogException.Reason.FULL) shared.markFull(true);
        for (Pending q : run) q.future.completeExceptionally(failure);
        continue;
      }
      shared.addBytes(runBytes);
      shared.markFull(false);
      for (long[] e : indexEntries) seg.addIndexEntry(e[0], e[1]);
      nextPosition = pos;
      unpublished.add(new Written(seg, seg.written(), now, run, Arrays.copyOf(positions, run.size())));
    }
    publishWritten();
  }

  private boolean needsRoll(Segment seg, int frameSize, long now) {
    return needsRoll(seg, seg.written(), new Pending(null, frameSize, null), now);
  }

  private boolean needsRoll(Segment seg, long written, Pending p, long now) {
    if (written == 0) return false;
    if (written + p.frameSize > shared.options.segmentBytes()) return true;
    long first = seg.firstTimestamp();
    return first >= 0 && now - first >= shared.options.segmentAge().toMillis();
  }

  /** Forces (per policy) what was written, then makes it visible and completes the futures. */
  private void publishWritten() {
    if (unpublished.isEmpty()) return;
    if (shared.options.fsync() == FsyncPolicy.ALWAYS) {
      Segment forcedAlready = null;
      try {
        for (Written w : unpublished) {
          if (w.segment != forcedAlready) {
            w.segment.force();
            shared.fsyncs.increment();
            forcedAlready = w.segment;
          }
        }
      } catch (IOException e) {
        LogException failure = FileEventLog.failure("fsync of partition " + id, e);
        cutBackAfterFailedForce(failure);
        return;
      }
    }
    List<Written> done = new ArrayList<>(unpublished);
    unpublished.clear();
    lock.lock();
    try {
      for (Written w : done) {
        w.segment.advance(w.endBytes, w.timestamp);
        for (int k = 0; k < w.appends.size(); k++) {
          List<byte[]> records = w.appends.get(k).records();
          for (int r = 0; r < records.size(); r++) {
            cache.add(new LogRecord(id, w.positions[k] + r, w.timestamp, records.get(r).clone()));
          }
        }
      }
      end = nextPosition;
      appended.signalAll();
    } finally {
      lock.unlock();
    }
    for (Written w : done) {
      for (int k = 0; k < w.appends.size(); k++) {
        Pending p = w.appends.get(k);
        shared.appends.increment();
        shared.records.add(p.records().size());
        p.future.complete(new AppendResult(id, w.positions[k], p.records().size(), durability));
      }
    }
  }

  private void cutBackAfterFailedForce(LogException failure) {
    List<Written> lost = new ArrayList<>(unpublished);
    unpublished.clear();
    long firstLost = lost.get(0).positions[0];
    try {
      for (Written w : lost) {
        long before = w.segment.written();
        w.segment.cutBack();
        shared.addBytes(w.segment.written() - before);
      }
      nextPosition = firstLost;
    } catch (IOException e) {
      failed = e; // the file holds bytes we can no longer vouch for: stop until reopened
      System.getLogger(Partition.class.getName()).log(System.Logger.Level.ERROR,
          "partition {0} cannot cut back after a failed fsync; appends fail until reopen: {1}", id, e.toString());
    }
    if (failure.reason() == LogException.Reason.FULL) shared.markFull(true);
    for (Written w : lost) for (Pending p : w.appends) p.future.completeExceptionally(failure);
  }

  /** Seals the active segment (forced, index written) and starts a new one at the next position. */
  private void roll() throws IOException {
    Segment old = active();
    old.force();
    shared.fsyncs.increment();
    old.writeIndex();
    Segment fresh = Segment.create(dir, nextPosition);
    DurableFiles.forceDirectory(dir);
    lock.lock();
    try {
      Segment[] s = Arrays.copyOf(segments, segments.length + 1);
      s[s.length - 1] = fresh;
      segments = s;
    } finally {
      lock.unlock();
    }
    shared.addBytes(old.diskBytes() - old.size());
    new RecoveryPoint(fresh.base, 0, fresh.base).write(dir);
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
      if (cache.covers(f)) return cache.read(f, max);
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

  /** Stops the writer after it has written everything queued, then seals the tail cleanly. */
  void close() {
    stopWriter();
    Segment a = active();
    try {
      a.force();
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
    queue.add(STOP);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
    lock.lock();
    try {
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
