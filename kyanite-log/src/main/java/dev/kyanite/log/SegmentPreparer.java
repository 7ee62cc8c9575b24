package dev.kyanite.log;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the next segment file of busy partitions ahead of their roll, on one background thread
 * for the whole log: {@code segmentBytes} of zeros, written with {@code O_DIRECT} where the file
 * system allows it, then forced with its size. The segment that takes the file at the roll ({@link
 * Segment#adopt}) starts with every block allocated, sized and durable, so its appends never grow
 * the file: the writer does no pre-zeroing on it ({@link PartitionWriter}'s {@code zeroAhead}, which
 * copies zeros into the page cache on the writer thread, flushes them with the next group commit
 * and drops them again at the direct write: about half of a busy writer's CPU on this project's VM,
 * see docs/performance.md), and every group commit's {@code fdatasync} flushes data only.
 *
 * <p>Contract: {@link #start} returns at once; the file is written by this class's thread and
 * never touched by it again once {@link Preparation#ready} is true. The partition's writer then
 * either adopts it (moves it to the new segment's name) or {@link Preparation#discard discards} it;
 * after {@code discard} returns, the thread is done with the file and the file is gone. The file is
 * {@value #FILE} in the partition's directory: recovery deletes it like every {@code .tmp} file, so
 * a crash at any moment leaves nothing that could be taken for data. Its bytes count against the
 * log's byte budget from {@link #start} on (reserved whole), until discarded or adopted (then they
 * are the segment's). A file is only started while the file system has room for {@value
 * #MIN_FREE_SEGMENTS} segments, so that it never takes the last free space from appends.
 */
final class SegmentPreparer {
  static final String FILE = "next-segment.tmp";
  private static final System.Logger LOG = System.getLogger(SegmentPreparer.class.getName());
  private static final int CHUNK = 1 << 20;
  private static final int ALIGN = 4096;
  /** Free space needed to start a file, in segments (the file's own one included). */
  private static final int MIN_FREE_SEGMENTS = 4;

  private final FileEventLog.Shared shared;
  private final ExecutorService thread;
  private volatile boolean closed;
  /** Files started and not yet adopted or released. */
  private final Set<Preparation> live = ConcurrentHashMap.newKeySet();
  /** Aligned zeros for the writes (the preparer's thread only). */
  private ByteBuffer zeros;

  SegmentPreparer(FileEventLog.Shared shared) {
    this.shared = shared;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kyanite-log-prepare");
      t.setDaemon(true);
      return t;
    });
  }

  /** One next-segment file: being written, ready, failed (and removed) or discarded. */
  final class Preparation {
    final Path file;
    /** Length of the file once ready: {@code segmentBytes}, rounded down to whole 4 KiB blocks. */
    final long bytes;
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();
    /** Set once, by whichever comes first: the writer adopting the file, or its release. */
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean cancelled;

    private Preparation(Path file, long bytes) {
      this.file = file;
      this.bytes = bytes;
    }

    /** Whether the file is complete and forced, and neither adopted nor released. */
    boolean ready() {
      return done.getNow(false) && !settled.get();
    }

    /**
     * Whether it is over without an adoption: failed (no space, closing) or released. Not asked
     * after a successful {@link #claim} (the writer then lets go of it).
     */
    boolean failed() {
      return done.isDone() && !ready();
    }

    /**
     * The writer's claim before it moves a ready file into place: true if the file is now its (its
     * bytes then count as the segment's), false if it was released meanwhile ({@link
     * #releaseUnadopted}).
     */
    boolean claim() {
      if (!ready() || !settled.compareAndSet(false, true)) return false;
      live.remove(this);
      return true;
    }

    /** After a claimed file could not be adopted: deletes what is left of it and frees its bytes. */
    void abandonClaimed() {
      deleteQuietly();
      shared.addBytes(-bytes);
    }

    /**
     * Stops the writing if it is under way (between two chunks), waits for the thread to let go of
     * the file, deletes it if it is still there and gives its bytes back to the budget. Idempotent;
     * not for a claimed file.
     */
    void discard() {
      cancelled = true;
      done.join();
      release();
    }

    /** Deletes the file and frees its bytes, unless adopted or released already; returns whether it did. */
    private boolean release() {
      if (!settled.compareAndSet(false, true)) return false;
      live.remove(this);
      deleteQuietly();
      shared.addBytes(-bytes);
      return true;
    }

    private void deleteQuietly() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "{0} not deleted ({1}); the next open deletes it", file, e.toString());
      }
    }
  }

  /**
   * Gives the bytes of every file not adopted yet back to the byte budget (a file being written
   * stops at its next chunk and frees them then), so that zeros written ahead never cost an append
   * a {@code FULL}: any partition's writer calls it before refusing an append for the budget.
   * Returns whether any bytes were freed at once.
   */
  boolean releaseUnadopted() {
    boolean freed = false;
    for (Preparation p : live) {
      p.cancelled = true;
      if (p.done.isDone() && p.release()) freed = true;
    }
    return freed;
  }

  /**
   * Starts writing {@code partitionDir}/{@value #FILE}; null when there is nothing useful to write
   * (segments too small for whole blocks) or the preparer is closed.
   */
  Preparation start(Path partitionDir) {
    long bytes = shared.options.segmentBytes() & -(long) ALIGN;
    if (bytes < ALIGN || closed) return null;
    Preparation p = new Preparation(partitionDir.resolve(FILE), bytes);
    shared.addBytes(bytes);
    live.add(p);
    try {
      thread.execute(() -> write(p));
    } catch (RejectedExecutionException | OutOfMemoryError e) { // closed, or no thread to be had
      p.done.complete(false);
      p.release();
      return null;
    }
    return p;
  }

  private void write(Preparation p) {
    try {
      if (closed || p.cancelled) throw new IOException("log closed or file discarded");
      // never race appends for the last free space: a file taken now could fail them FULL
      long usable = Files.getFileStore(p.file.getParent()).getUsableSpace();
      if (usable < MIN_FREE_SEGMENTS * p.bytes) throw new IOException("only " + usable + " bytes free");
      try (FileChannel ch = shared.opener.open(p.file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        FileChannel direct = openDirect(p.file);
        try {
          fill(direct != null ? direct : ch, p);
        } finally {
          if (direct != null) direct.close();
        }
        ch.force(true); // the zeros and the file's size: appends will change neither
      }
      p.done.complete(true);
    } catch (IOException | RuntimeException | OutOfMemoryError e) { // whatever it is, done must complete
      // a full disk, or closing: the writer pre-zeroes on its own thread as before
      if (!p.cancelled) {
        LOG.log(System.Logger.Level.DEBUG, "next segment {0} not prepared: {1}", p.file, e.toString());
      }
      p.release();
      p.done.complete(false);
    }
  }

  private void fill(FileChannel ch, Preparation p) throws IOException {
    if (zeros == null) {
      try {
        zeros = ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN).limit(CHUNK).slice();
      } catch (OutOfMemoryError e) {
        throw new IOException("no direct memory for the zeros", e);
      }
    }
    for (long at = 0; at < p.bytes; ) {
      if (p.cancelled || closed) throw new IOException("preparation cancelled");
      zeros.clear().limit((int) Math.min(CHUNK, p.bytes - at));
      while (zeros.hasRemaining()) at += ch.write(zeros, at);
    }
  }

  /**
   * A second channel with {@code O_DIRECT}: zeros then go from one buffer to the device without
   * filling the page cache (which the segment's direct appends would only drop again). Null where
   * the file system refuses it; the zeros then go through the page cache and the force.
   */
  private FileChannel openDirect(Path file) {
    try {
      return shared.opener.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * Refuses new preparations, makes a file being written stop at its next chunk (so that the
   * partitions' {@link Preparation#discard} at close does not wait for it) and lets the thread end.
   * Called before the partitions close, and again after.
   */
  void close() {
    closed = true;
    thread.shutdown();
  }
}
