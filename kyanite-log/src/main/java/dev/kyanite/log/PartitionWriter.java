package dev.kyanite.log;

import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.Durability;
import dev.kyanite.core.log.LogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The writer thread of one {@link Partition}: group commit.
 *
 * <p>{@link #enqueue} only queues (never blocks the caller). The thread takes everything queued at
 * once (a <em>gather</em>), encodes each append as one frame, writes the frames, forces the file
 * once for the whole gather under {@link FsyncPolicy#ALWAYS}, and only then publishes the new end
 * to readers ({@link Partition#publish}) and hands the gather's acks to its {@link AckCompleter},
 * whose thread completes the futures. A write or force that fails is cut back so no partial frame
 * stays, and its appends fail (on this thread) with a typed {@link LogException}. It also rolls
 * segments and moves the recovery point. All fields are confined to the writer thread except the
 * queue.
 */
final class PartitionWriter {
  private static final System.Logger LOG = System.getLogger(PartitionWriter.class.getName());
  private static final int MAX_GATHER = 4096;
  private static final Pending STOP = new Pending(List.of(), 0, null);
  /** Bytes of the active segment after which the recovery point moves forward without a roll. */
  static final long CHECKPOINT_BYTES = 16L << 20;
  /** The encode buffer: the largest run written at once (a lone larger append gets its own buffer). */
  static final int BUFFER_BYTES = 1 << 20;

  record Pending(List<byte[]> records, int frameSize, CompletableFuture<AppendResult> future) {}

  /** An encoded run of appends written but not yet published. */
  record Written(Segment segment, long endBytes, long timestamp, List<Pending> appends, long[] positions) {}

  private final Partition partition;
  private final FileEventLog.Shared shared;
  private final AppendQueue<Pending> queue = new AppendQueue<>();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
  private ByteBuffer zeros;
  private List<Written> unpublished = new ArrayList<>();
  /** The other of two lists swapped at each publication (no copy per gather). */
  private List<Written> publishing = new ArrayList<>();
  private final Durability durability;
  /** Appends bypass the page cache (see {@link DirectAppender}): only where each one is forced anyway. */
  private final boolean direct;
  private final Thread thread;
  private final AckCompleter acks;
  private long nextPosition;
  private long checkpointBytes;
  private int previousGather;
  /** After a failed pre-zeroing: the segment and the written size at which to try again. */
  private Segment zeroFailedIn;
  private long zeroRetryAt;
  /**
   * The next segment's file, being written, ready or failed (see {@link SegmentPreparer}); null if
   * none. Written by the writer thread only; volatile for {@link #nextSegmentReady}.
   */
  private volatile SegmentPreparer.Preparation next;

  PartitionWriter(Partition partition, FileEventLog.Shared shared, long nextPosition, long checkpointBytes) {
    this.partition = partition;
    this.shared = shared;
    this.nextPosition = nextPosition;
    this.checkpointBytes = checkpointBytes;
    this.durability = shared.options.fsync() == FsyncPolicy.ALWAYS ? Durability.FSYNC : Durability.WRITTEN;
    this.direct = shared.options.directIo() && shared.options.fsync() == FsyncPolicy.ALWAYS;
    this.thread = new Thread(this::writeLoop, "kyanite-log-writer-" + partition.id);
    thread.setDaemon(true);
    this.acks = new AckCompleter(partition.id);
  }

  void start() {
    acks.start();
    thread.start();
  }

  CompletableFuture<AppendResult> enqueue(List<byte[]> records, int frameSize) {
    CompletableFuture<AppendResult> future = new CompletableFuture<>();
    queue.add(new Pending(records, frameSize, future));
    if (partition.isClosed() && !thread.isAlive()) failQueued(); // lost the race with close()
    return future;
  }

  /** Lets the thread write everything queued before this call, then stops it; all acks are delivered. */
  void stop() {
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
    acks.stop();
    if (next != null && !thread.isAlive()) { // the writer has ended: its field is ours now
      next.discard();
      next = null;
    }
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
          first = wait <= 0 ? queue.poll() : queue.take(wait);
        } else {
          first = queue.take(Long.MAX_VALUE);
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
        if (!stop) {
          zeroAhead();
          prepareNext();
        }
      }
      if (dirty && shared.options.fsync() == FsyncPolicy.INTERVAL && System.nanoTime() - lastForce >= intervalNanos) {
        forceQuietly();
        lastForce = System.nanoTime();
        dirty = false;
      }
    }
    failQueued();
  }

  /**
   * Moves the recovery point to the end of the active segment once it has grown by {@link
   * #CHECKPOINT_BYTES} since the last point, so that after a crash recovery re-validates at most
   * that much per partition, however large segments are. Returns whether it forced the segment.
   */
  private boolean checkpoint() {
    Segment a = partition.active();
    if (checkpointBytes > a.size()) checkpointBytes = 0; // rolled: the roll stored a point at 0
    if (a.size() - checkpointBytes < CHECKPOINT_BYTES || partition.failure() != null) return false;
    try {
      if (shared.options.fsync() != FsyncPolicy.ALWAYS) {
        a.force();
        shared.fsyncs.increment();
      }
      a.writeIndex();
      new RecoveryPoint(a.base, a.size(), partition.end()).write(partition.dir);
      checkpointBytes = a.size();
      return true;
    } catch (IOException e) {
      // harmless: the previous point stays valid, recovery just re-validates more
      LOG.log(System.Logger.Level.WARNING,
          "recovery point of partition {0} not moved: {1}", partition.id, e.toString());
      checkpointBytes = a.size();
      return false;
    }
  }

  /**
   * Keeps up to {@link FileLogOptions#preallocateBytes()} of zeros written after the active
   * segment's last frame, refilled in chunks of at least half that once the spare falls below
   * half, never past {@code segmentBytes}. Appends then overwrite allocated, sized blocks, and
   * their fdatasync flushes only data: on ext4 this almost doubled the fsyncs per second. The
   * zeros are forced by the next group commit (the one fsync after a refill also commits the new
   * size). Skipped under {@link FsyncPolicy#NEVER} (nothing to gain), near the byte budget (the
   * zeros count against it: pre-zeroing stops while less than three times the chunk is left, so
   * a small budget simply never pre-zeroes), and after a failed attempt until the segment has
   * grown by a chunk: a failure (a full disk) is cut back and costs the appends nothing — they are
   * written as plain appends, and fail {@code FULL} only if their own bytes do not fit.
   */
  private void zeroAhead() {
    long ahead = shared.options.preallocateBytes();
    if (ahead == 0 || shared.options.fsync() == FsyncPolicy.NEVER || partition.failure() != null) return;
    Segment a = partition.active();
    if (a.spare() >= ahead / 2) return;
    if (zeroFailedIn == a && a.written() < zeroRetryAt) return;
    long upTo = Math.min(a.written() + ahead, shared.options.segmentBytes());
    long grow = upTo - a.fileBytes();
    if (grow <= 0) return;
    if (shared.overBudget(3 * grow)) return;
    if (zeros == null) zeros = ByteBuffer.allocateDirect((int) Math.min(ahead, 256 * 1024));
    long before = a.fileBytes();
    try {
      a.zeroAhead(zeros, upTo);
      zeroFailedIn = null;
    } catch (IOException e) {
      zeroFailedIn = a;
      zeroRetryAt = a.written() + Math.max(grow, 64 * 1024);
      LOG.log(System.Logger.Level.DEBUG, "pre-zeroing partition {0} failed (appends go on without): {1}",
          partition.id, e.toString());
    } finally {
      shared.addBytes(a.fileBytes() - before);
    }
  }

  /**
   * Once the active segment is half full, has the next segment's file written in the background
   * ({@link FileLogOptions#prepareSegments()}): only busy partitions get one, and it has the
   * second half of the segment's life to be ready. Same conditions as {@link #zeroAhead}, whose
   * work it saves: nothing under {@link FsyncPolicy#NEVER}, nothing near the byte budget (while
   * less than {@code 2 × partitions + 1} segments are left in it).
   */
  private void prepareNext() {
    FileLogOptions o = shared.options;
    if (next != null || !o.prepareSegments() || o.preallocateBytes() == 0 || o.fsync() == FsyncPolicy.NEVER
        || partition.failure() != null) {
      return;
    }
    // room left for every partition to hold a prepared file and a segment of zeros, and then some
    long room = (2L * o.partitions() + 1) * o.segmentBytes();
    if (partition.active().written() < o.segmentBytes() / 2 || shared.overBudget(room)) return;
    next = shared.preparer.start(partition.dir);
  }

  /** Whether a prepared next segment is ready for the next roll (for tests). */
  boolean nextSegmentReady() {
    SegmentPreparer.Preparation p = next;
    return p != null && p.ready();
  }

  /**
   * The new segment at {@link #nextPosition}: the prepared file if it is ready (a file still being
   * written stays under way for the next roll; a failed one is forgotten, so the new segment may
   * try again), otherwise an empty file that {@link #zeroAhead} fills.
   */
  private Segment newSegment() throws IOException {
    if (next != null && next.failed()) next = null; // kept until now so that one segment tries once
    if (next != null && next.claim()) {
      SegmentPreparer.Preparation p = next;
      next = null;
      try {
        return Segment.adopt(partition.dir, nextPosition, shared.opener, p.file, p.bytes);
      } catch (IOException e) {
        p.abandonClaimed();
        LOG.log(System.Logger.Level.DEBUG, "prepared segment of partition {0} not adopted: {1}", partition.id, e.toString());
      }
    }
    return Segment.create(partition.dir, nextPosition, shared.opener);
  }

  /**
   * Under fsync=always, appenders whose acks the previous gather just completed usually append
   * again within microseconds. When fewer appends are queued than the previous gather held, wait
   * briefly (at most {@link FileLogOptions#commitLinger()}) for them, so that one fsync covers them
   * all instead of splitting them over two. At low load the previous gather is small, so nobody
   * waits. The same idea as PostgreSQL's {@code commit_delay}. The writer sleeps until the whole
   * count is queued ({@link AppendQueue#await}): one wake-up, not one per returning append.
   */
  private void lingerForReturningAppenders(List<Pending> gather) {
    long linger = shared.options.commitLinger().toNanos();
    int target = Math.min(previousGather, MAX_GATHER);
    if (linger > 0 && shared.options.fsync() == FsyncPolicy.ALWAYS && gather.size() < target
        && !gather.contains(STOP)) {
      long deadline = System.nanoTime() + linger;
      while (gather.size() < target) {
        int from = gather.size();
        if (queue.drainTo(gather, MAX_GATHER - from) > 0 && gather.subList(from, gather.size()).contains(STOP)) break;
        long left = deadline - System.nanoTime();
        if (gather.size() >= target || left <= 0) break;
        try {
          queue.await(target - gather.size(), left); // one wake-up when they are all back
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
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
      long start = System.nanoTime();
      partition.active().force();
      shared.fsyncs.increment();
      observeForce(start);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING,
          "background force of partition {0} failed: {1}", partition.id, e.toString());
    }
  }

  /** Reports a force that began at {@code start} (System.nanoTime) to the options' observer. */
  private void observeForce(long start) {
    try {
      shared.options.fsyncObserver().accept(System.nanoTime() - start);
    } catch (RuntimeException e) { // a metrics problem must not fail durable appends
      LOG.log(System.Logger.Level.DEBUG, "fsync observer failed: {0}", e.toString());
    }
  }

  /** Writes every append of one gather, forcing once, then publishes and completes them. */
  private void process(List<Pending> gather) {
    if (partition.failure() != null) {
      for (Pending p : gather) {
        p.future.completeExceptionally(new LogException(LogException.Reason.IO, "partition " + partition.id + " failed",
            partition.failure()));
      }
      return;
    }
    long now = shared.options.clock().millis();
    int i = 0;
    while (i < gather.size()) {
      Pending p = gather.get(i);
      Segment seg = partition.active();
      if (needsRoll(seg, p.frameSize, now)) {
        publishWritten();
        try {
          roll();
        } catch (IOException e) {
          p.future.completeExceptionally(FileEventLog.failure("segment roll of partition " + partition.id, e));
          i++;
          continue;
        }
        seg = partition.active();
      }
      // Encode a run: as many appends as fit the buffer and the segment.
      ByteBuffer buf = p.frameSize > buffer.capacity() ? ByteBuffer.allocate(p.frameSize) : buffer;
      buf.clear();
      List<Pending> run = new ArrayList<>(gather.size() - i);
      long[] positions = new long[gather.size() - i];
      long[] frameStarts = new long[gather.size() - i];
      int[] bufOffsets = new int[gather.size() - i];
      long pos = nextPosition;
      long segBytes = seg.written();
      long frameStart = segBytes;
      while (i < gather.size()) {
        Pending q = gather.get(i);
        // p itself was checked above (the buffer is sized for it, the roll done); any later append is
        // checked even when the run is still empty because p was refused: it may not fit the buffer
        // (p's own, or what p left of the shared one) or may need a roll that p did not
        if (q != p && (q.frameSize > buf.remaining() || needsRoll(seg, segBytes, q, now))) break;
        // only bytes past the pre-zeroed tail grow the file (and count against the budget)
        long grows = Math.max(0, segBytes + q.frameSize - seg.fileBytes());
        if (shared.refusesAppend(grows)) {
          q.future.completeExceptionally(new LogException(LogException.Reason.FULL, "log byte budget reached"));
          i++;
          continue;
        }
        bufOffsets[run.size()] = buf.position();
        BatchFormat.encode(buf, pos, now, q.records());
        positions[run.size()] = pos;
        frameStarts[run.size()] = frameStart;
        run.add(q);
        pos += q.records().size();
        frameStart += q.frameSize;
        segBytes += q.frameSize;
        i++;
      }
      if (run.isEmpty()) continue;
      buf.flip();
      if (direct) seg.appendDirect();
      long fileBefore = seg.fileBytes();
      try {
        seg.write(buf);
      } catch (IOException e) {
        shared.addBytes(seg.fileBytes() - fileBefore); // the cut-back may have taken the zero tail
        LogException failure = FileEventLog.failure("append to partition " + partition.id, e);
        if (failure.reason() == LogException.Reason.FULL) shared.markDiskFull(true);
        for (Pending q : run) q.future.completeExceptionally(failure);
        continue;
      }
      shared.addBytes(seg.fileBytes() - fileBefore);
      shared.markDiskFull(false);
      for (int k = 0; k < run.size(); k++) seg.addIndexEntry(positions[k], frameStarts[k]);
      partition.cache(buf, bufOffsets, run, positions, now); // from the frames, still hot; visible once published
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
      long start = System.nanoTime();
      try {
        for (Written w : unpublished) {
          if (w.segment() != forcedAlready) {
            w.segment().force();
            shared.fsyncs.increment();
            forcedAlready = w.segment();
          }
        }
        observeForce(start);
      } catch (IOException e) {
        LogException failure = FileEventLog.failure("fsync of partition " + partition.id, e);
        cutBackAfterFailedForce(failure);
        return;
      }
    }
    List<Written> done = unpublished;
    unpublished = publishing;
    publishing = done;
    partition.publish(done, nextPosition);
    long appends = 0;
    long records = 0;
    for (Written w : done) {
      appends += w.appends.size();
      for (Pending p : w.appends) records += p.records().size();
    }
    shared.appends.add(appends); // counted before the acks, so a caller that saw its ack sees it counted
    shared.records.add(records);
    CompletableFuture<?>[] futures = new CompletableFuture<?>[(int) appends];
    AppendResult[] results = new AppendResult[(int) appends];
    int n = 0;
    for (Written w : done) {
      for (int k = 0; k < w.appends.size(); k++) {
        Pending p = w.appends.get(k);
        futures[n] = p.future;
        results[n++] = new AppendResult(partition.id, w.positions[k], p.records().size(), durability);
      }
    }
    acks.handOver(new AckCompleter.Acks(futures, results, n)); // durable and published: may be acked
    done.clear();
  }

  private void cutBackAfterFailedForce(LogException failure) {
    List<Written> lost = new ArrayList<>(unpublished);
    unpublished.clear();
    partition.dropCached();
    long firstLost = lost.get(0).positions[0];
    try {
      for (Written w : lost) {
        long before = w.segment.fileBytes();
        try {
          w.segment.cutBack();
        } finally {
          shared.addBytes(w.segment.fileBytes() - before);
        }
      }
      nextPosition = firstLost;
    } catch (IOException e) {
      partition.fail(e); // the file holds bytes we can no longer vouch for: stop until reopened
      LOG.log(System.Logger.Level.ERROR,
          "partition {0} cannot cut back after a failed fsync; appends fail until reopen: {1}", partition.id, e.toString());
    }
    if (failure.reason() == LogException.Reason.FULL) shared.markDiskFull(true);
    for (Written w : lost) for (Pending p : w.appends) p.future.completeExceptionally(failure);
  }

  /**
   * Seals the active segment (pre-zeroed tail cut off, forced with its new size, index written) and
   * starts a new one at the next position. The trim is forced before the recovery point moves
   * past the segment, since recovery trusts sealed segments to end at their last frame.
   */
  private void roll() throws IOException {
    Segment old = partition.active();
    long before = old.fileBytes();
    try {
      old.trimTail();
    } finally {
      shared.addBytes(old.fileBytes() - before);
    }
    old.endDirect(); // sealed: never written again
    old.forceAll();
    shared.fsyncs.increment();
    old.writeIndex();
    Segment fresh = newSegment();
    try {
      DurableFiles.forceDirectory(partition.dir); // its creation, or the prepared file's new name
    } catch (IOException e) {
      try {
        fresh.delete(); // a prepared file's zeros too: the next attempt starts afresh
        shared.addBytes(-fresh.fileBytes());
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed); // the next open measures the files again
      }
      throw e;
    }
    partition.addSegment(fresh);
    shared.addBytes(old.diskBytes() - old.fileBytes()); // its index file
    new RecoveryPoint(fresh.base, 0, fresh.base).write(partition.dir);
  }
}
