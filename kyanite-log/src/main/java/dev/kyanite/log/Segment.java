package dev.kyanite.log;

import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One segment of a partition: {@code <base>.log} holds frames (see {@link FileEventLog}) whose
 * positions start at {@code base}; {@code <base>.index} is its {@link SegmentIndex}, written when
 * the segment is sealed (rolled) and on close. {@code base} is printed as 20 zero-padded digits so
 * names sort like positions. The active segment's file may continue after its last frame with a
 * pre-zeroed tail ({@link #zeroAhead}); {@link #written()} is where the frames end, {@link
 * #fileBytes()} where the file does.
 *
 * <p>Thread-safety: one writer (the partition's writer thread, or recovery before the log opens)
 * appends; any number of readers read concurrently through positional reads. {@link #size()} is
 * the count of valid bytes and only grows after the bytes below it are written.
 */
final class Segment {
  private static final int READ_CHUNK = 64 * 1024;
  /** Whether a refused {@code O_DIRECT} was logged at INFO already (then DEBUG: once per segment). */
  private static final java.util.concurrent.atomic.AtomicBoolean DIRECT_REFUSAL_LOGGED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Opens segment files; tests substitute channels that fail on purpose. */
  @FunctionalInterface
  interface ChannelOpener {
    ChannelOpener DEFAULT = FileChannel::open;

    FileChannel open(Path path, java.nio.file.OpenOption... options) throws IOException;
  }

  final long base;
  private final ChannelOpener opener;
  final Path logPath;
  final Path indexPath;
  private FileChannel channel;
  private volatile long size;
  private volatile long written;
  /** Length of the file: {@link #written} plus the pre-zeroed tail (see {@link #zeroAhead}). */
  private volatile long fileBytes;
  private SegmentIndex index;
  private long firstTimestamp = -1;
  private volatile long lastTimestamp = -1;
  private volatile boolean deleted;
  /** Appends through {@code O_DIRECT} once {@link #appendDirect} succeeded (writer thread only). */
  private DirectAppender direct;
  private boolean directRefused;

  private Segment(Path dir, long base, ChannelOpener opener) {
    this.base = base;
    this.opener = opener;
    String name = String.format("%020d", base);
    this.logPath = dir.resolve(name + ".log");
    this.indexPath = dir.resolve(name + ".index");
  }

  static Segment create(Path dir, long base, ChannelOpener opener) throws IOException {
    Segment s = new Segment(dir, base, opener);
    // TRUNCATE_EXISTING: a file at this base can only be the leftover of a roll that failed half-way
    // (its positions were never acknowledged), so starting it empty loses nothing.
    s.channel = opener.open(s.logPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    s.index = new SegmentIndex();
    return s;
  }

  /**
   * A new segment at {@code base} made of a prepared file ({@link SegmentPreparer}) of {@code
   * bytes} forced zeros, moved to the segment's name (over a leftover of a failed roll, like {@link
   * #create}); all of it is pre-zeroed tail. The caller forces the directory. On failure nothing is
   * left at the segment's name.
   */
  static Segment adopt(Path dir, long base, ChannelOpener opener, Path prepared, long bytes) throws IOException {
    Segment s = new Segment(dir, base, opener);
    Files.move(prepared, s.logPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try {
      s.channel = opener.open(s.logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      Files.deleteIfExists(s.logPath);
      throw e;
    }
    s.index = new SegmentIndex();
    s.fileBytes = bytes;
    return s;
  }

  /** A segment already on disk; nothing is read until needed. */
  static Segment existing(Path dir, long base, ChannelOpener opener) throws IOException {
    Segment s = new Segment(dir, base, opener);
    s.size = Files.size(s.logPath);
    s.written = s.size;
    s.fileBytes = s.size;
    return s;
  }

  static long parseBase(String fileName) {
    return Long.parseLong(fileName.substring(0, fileName.indexOf('.')));
  }

  long size() {
    return size;
  }

  synchronized FileChannel channel() throws IOException {
    if (channel == null) {
      if (deleted) throw new java.nio.channels.ClosedChannelException();
      channel = opener.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return channel;
  }

  // ---- recovery ----

  /** Result of re-validating frames: where the valid bytes end and the next position. */
  record Scan(long validEnd, long nextPosition, long records) {}

  /**
   * Re-validates frames from byte {@code from} (which must start a frame holding
   * {@code position}) to the end of the file, extending the index and timestamps. Stops at the first
   * byte that is not a valid frame with the expected position.
   */
  Scan scan(long from, long position, int maxFrame) throws IOException {
    FileChannel ch = channel();
    long fileSize = ch.size();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long at = from;
    long next = position;
    long records = 0;
    synchronized (this) {
      if (index == null) index = new SegmentIndex();
      index.truncateTo(from);
    }
    boolean more = true;
    while (more && at < fileSize) {
      buf.clear();
      readFully(ch, buf, at, fileSize);
      buf.flip();
      int off = 0;
      while (true) {
        if (off >= buf.limit()) break;
        int frame = BatchFormat.check(buf, off, next, maxFrame);
        if (frame < 0) {
          more = false;
          break;
        }
        if (frame == 0) {
          if (off == 0) {
            // the frame does not fit the buffer, or the file ends inside it (torn)
            int needed = buf.limit() < 4 ? -1 : 4 + buf.getInt(0);
            if (needed < 0 || at + needed > fileSize) {
              more = false;
            } else {
              buf = ByteBuffer.allocate(needed);
            }
          }
          break;
        }
        long frameStart = at + off;
        addIndexEntry(next, frameStart);
        long ts = BatchFormat.timestamp(buf, off);
        if (firstTimestamp < 0) firstTimestamp = ts;
        lastTimestamp = ts;
        int count = BatchFormat.count(buf, off);
        next += count;
        records += count;
        off += frame;
      }
      at += off;
    }
    size = at;
    written = at;
    return new Scan(at, next, records);
  }

  /** Cuts the file back to {@code validBytes} and forces the cut. */
  void truncate(long validBytes) throws IOException {
    FileChannel ch = channel();
    truncateFile(ch, validBytes);
    ch.force(true);
    size = validBytes;
    written = validBytes;
    fileBytes = validBytes;
    synchronized (this) {
      if (index != null) index.truncateTo(validBytes);
    }
  }

  /**
   * Loads the index file covering the first {@code limit} bytes and checks that its last entry
   * points at a frame with the position it claims. Returns false (and keeps nothing) when the file
   * is missing or damaged; the caller then rebuilds.
   */
  boolean loadIndex(long limit) throws IOException {
    SegmentIndex loaded = SegmentIndex.load(indexPath, limit);
    if (loaded == null) return false;
    if (loaded.size() > 0) {
      ByteBuffer header = ByteBuffer.allocate(BatchFormat.HEADER);
      readFully(channel(), header, loaded.lastFilePosition(), limit);
      header.flip();
      if (header.limit() < BatchFormat.HEADER
          || BatchFormat.basePosition(header, 0) != base + loaded.lastRelativePosition()
          || header.get(8) != BatchFormat.VERSION) {
        return false;
      }
    }
    synchronized (this) {
      index = loaded;
    }
    return true;
  }

  /** Cheap plausibility check of a sealed segment's index file, without reading it. */
  boolean indexFileLooksValid() throws IOException {
    if (!Files.exists(indexPath)) return false;
    long n = Files.size(indexPath);
    return n % 8 == 0 && (n == 0) == (size == 0);
  }

  /** Rebuilds the index (and timestamps) by scanning the whole segment; writes the index file. */
  Scan rebuildIndex(int maxFrame) throws IOException {
    synchronized (this) {
      index = new SegmentIndex();
    }
    Scan scan = scan(0, base, maxFrame);
    writeIndex();
    return scan;
  }

  synchronized void writeIndex() throws IOException {
    if (index != null) index.write(indexPath);
  }

  private synchronized void ensureIndex(int maxFrame) throws IOException {
    if (index != null) return;
    if (!loadIndex(size)) {
      System.getLogger(Segment.class.getName()).log(System.Logger.Level.WARNING,
          "index {0} missing or damaged; rebuilding", indexPath);
      rebuildIndex(maxFrame);
    }
  }

  // ---- writing (partition writer thread only) ----

  synchronized void addIndexEntry(long position, long filePosition) {
    if (index.size() == 0 || filePosition - index.lastFilePosition() >= SegmentIndex.INTERVAL) {
      index.add((int) (position - base), (int) filePosition);
    }
  }

  /**
   * From now on, appends to this (active) segment that fit its pre-zeroed tail bypass the page
   * cache (see {@link DirectAppender}). When the file system refuses {@code O_DIRECT} they keep
   * going through the page cache; it is asked once per segment.
   */
  void appendDirect() {
    if (direct != null || directRefused) return;
    try {
      direct = DirectAppender.open(opener, logPath);
    } catch (IOException e) {
      refuseDirect(e);
    }
  }

  /**
   * Goes back to page-cache writes for the rest of this segment's life: at a roll (a sealed
   * segment is never written again; its channel and buffers are released now, not at retention),
   * or after a direct write failed for a reason other than space (the next append then tries the
   * page cache instead of failing the same way again).
   */
  void endDirect() {
    directRefused = true;
    if (direct == null) return;
    try {
      direct.close();
    } catch (IOException ignored) {
      // every direct write was followed by a force of the ordinary channel, or was never acked
    }
    direct = null;
  }

  private void refuseDirect(IOException e) {
    directRefused = true;
    System.Logger.Level level = DIRECT_REFUSAL_LOGGED.getAndSet(true) ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
    System.getLogger(Segment.class.getName()).log(level,
        "{0}: O_DIRECT refused ({1}); appends go through the page cache", logPath, e.toString());
  }

  /** Bytes written so far, published or not (writer thread only). */
  long written() {
    return written;
  }

  /**
   * Writes {@code buf} after the bytes written so far; on failure cuts the file back so that no
   * partial frame stays behind.
   */
  void write(ByteBuffer buf) throws IOException {
    FileChannel ch = channel();
    long at = written;
    try {
      if (direct != null && direct.fitsBefore(at, buf.remaining(), fileBytes)) {
        int n = buf.remaining();
        direct.write(ch, at, buf); // inside the file: fileBytes stays
        at += n;
      } else {
        // growing the file (no pre-zeroed room: near the byte budget, or pre-zeroing off) goes
        // through the page cache, so the file ends exactly at its last frame, as without O_DIRECT;
        // so does a large run (DirectAppender.MAX_WRITE); Linux keeps the two kinds coherent
        if (direct != null) direct.forget();
        while (buf.hasRemaining()) at += ch.write(buf, at);
      }
    } catch (IOException e) {
      // the pre-zeroed tail goes too: simpler than re-zeroing, and the writer zeroes ahead again
      cutTo(ch, written, e);
      if (direct != null && !FileEventLog.isNoSpace(e)) endDirect();
      throw e;
    }
    written = at;
    if (at > fileBytes) fileBytes = at;
  }

  /**
   * Every truncation goes through here: the file's end moves back, so the direct appender's copy
   * of the last partial block may no longer be what the file holds once the end grows back.
   */
  private void truncateFile(FileChannel ch, long length) throws IOException {
    if (direct != null) direct.forget();
    ch.truncate(length);
  }

  /** Truncates to {@code length} after a failure; if even that fails, learns the real length. */
  private void cutTo(FileChannel ch, long length, IOException cause) {
    try {
      truncateFile(ch, length);
      fileBytes = length;
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
      try {
        fileBytes = ch.size();
      } catch (IOException ignored) {
        // keep the old figure; the next open measures the files again
      }
    }
  }

  /** Length of the file on disk: the bytes written plus the pre-zeroed tail (writer thread). */
  long fileBytes() {
    return fileBytes;
  }

  /** Pre-zeroed bytes after the written ones, which appends fill without growing the file. */
  long spare() {
    return Math.max(0, fileBytes - written);
  }

  /**
   * Extends the file with zero bytes up to {@code upTo}, so that later appends overwrite blocks
   * that are already allocated and sized: their {@code fdatasync} then flushes data only, not the
   * file size and extent metadata (one journal commit per fsync on ext4/xfs). {@code fallocate}
   * alone would not do: its unwritten extents still change metadata on the first write. On failure
   * (e.g. "No space left on device") the file is cut back to where the zeros started, so nothing
   * but zeros is ever added, and the exception is thrown.
   */
  void zeroAhead(ByteBuffer zeros, long upTo) throws IOException {
    FileChannel ch = channel();
    long from = fileBytes;
    long at = from;
    try {
      // through the page cache even when appends are direct: the next fdatasync flushes them
      // along with its data, where direct zeros would hold up the writer for each 2 MiB chunk
      // (LogBench batched, 2 MB gathers: 1.06-1.13 M records/s with direct zeros, 1.74-1.75 M so)
      while (at < upTo) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), upTo - at));
        while (zeros.hasRemaining()) at += ch.write(zeros, at);
      }
    } catch (IOException e) {
      cutTo(ch, from, e);
      throw e;
    }
    fileBytes = at;
  }

  /** Cuts the pre-zeroed tail off (at a roll and a clean close): the file then ends at its last frame. */
  void trimTail() throws IOException {
    if (fileBytes > written) {
      truncateFile(channel(), written);
      fileBytes = written;
    }
  }

  /**
   * End (exclusive) of the last non-zero byte in {@code [from, to)}, or {@code from} if every byte
   * there is zero: recovery uses it to tell a pre-zeroed tail (a clean end) from damage.
   */
  long nonZeroEnd(long from, long to) throws IOException {
    FileChannel ch = channel();
    ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    long end = from;
    for (long at = from; at < to; ) {
      buf.clear();
      readFully(ch, buf, at, to);
      buf.flip();
      int n = buf.limit();
      if (n == 0) break;
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) != 0) {
          end = at + i + 1;
          break;
        }
      }
      at += n;
    }
    return end;
  }

  /** After recovery found only zeros after the valid frames: keep them as the pre-zeroed tail. */
  void keepZeroTail(long validEnd, long fileLength) {
    size = validEnd;
    written = validEnd;
    fileBytes = fileLength;
  }

  /** Publishes written bytes up to {@code newSize}: readers may now see them. */
  void advance(long newSize, long timestamp) {
    if (firstTimestamp < 0) firstTimestamp = timestamp;
    lastTimestamp = timestamp;
    size = newSize;
  }

  /** Drops written but unpublished bytes (after a failed force). */
  void cutBack() throws IOException {
    truncateFile(channel(), size);
    written = size;
    fileBytes = size;
    synchronized (this) {
      if (index != null) index.truncateTo(size);
    }
  }

  /** {@code fdatasync}: the data, and the file size only if it changed. */
  void force() throws IOException {
    channel().force(false);
  }

  /** {@code fsync}: data and all metadata (after a truncation that must hold before anything else moves). */
  void forceAll() throws IOException {
    channel().force(true);
  }

  /** Reads the first frame's timestamp (for a segment whose prefix is trusted without a scan). */
  void loadFirstTimestamp() throws IOException {
    if (size < BatchFormat.HEADER) return;
    ByteBuffer header = ByteBuffer.allocate(BatchFormat.HEADER);
    readFully(channel(), header, 0, size);
    header.flip();
    if (header.limit() == BatchFormat.HEADER) firstTimestamp = BatchFormat.timestamp(header, 0);
  }

  long firstTimestamp() {
    return firstTimestamp;
  }

  /** Timestamp of the newest frame; for sealed segments read lazily from the file. */
  long lastTimestamp(int maxFrame) throws IOException {
    if (lastTimestamp < 0 && size > 0) {
      ensureIndex(maxFrame);
      long from;
      synchronized (this) {
        from = index.lastFilePosition();
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - from, Integer.MAX_VALUE - 8));
      readFully(channel(), buf, from, size);
      buf.flip();
      int off = 0;
      long ts = -1;
      while (off < buf.limit()) {
        int frame = BatchFormat.check(buf, off, -1, Integer.MAX_VALUE);
        if (frame <= 0) break;
        ts = BatchFormat.timestamp(buf, off);
        off += frame;
      }
      lastTimestamp = ts;
    }
    return lastTimestamp;
  }

  // ---- reading ----

  /**
   * Appends to {@code out} the records with positions in {@code [from, end)}, up to {@code max}
   * records in total in {@code out}, stopping after roughly {@code maxBytes}.
   */
  void read(int partition, long from, long end, int max, long maxBytes, int maxFrame, List<LogRecord> out)
      throws IOException {
    ensureIndex(maxFrame);
    long filePos;
    synchronized (this) {
      filePos = index.floor(from - base);
    }
    long limit = size;
    FileChannel ch = channel();
    ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    long bytes = 0;
    while (out.size() < max && filePos < limit && bytes < maxBytes) {
      buf.clear();
      readFully(ch, buf, filePos, limit);
      buf.flip();
      int off = 0;
      while (off < buf.limit()) {
        int frame = BatchFormat.check(buf, off, -1, maxFrame);
        if (frame < 0) {
          throw new LogException(LogException.Reason.IO,
              "corrupt frame in " + logPath + " at byte " + (filePos + off));
        }
        if (frame == 0) {
          if (off == 0) {
            if (buf.limit() < 4) return;
            buf = ByteBuffer.allocate(4 + buf.getInt(0));
          }
          break;
        }
        long position = BatchFormat.basePosition(buf, off);
        long ts = BatchFormat.timestamp(buf, off);
        int count = BatchFormat.count(buf, off);
        if (position >= end) return;
        int p = off + BatchFormat.HEADER;
        for (int i = 0; i < count; i++, position++) {
          int len = buf.getInt(p);
          if (position >= from && position < end && out.size() < max) {
            byte[] payload = new byte[len];
            buf.get(p + 4, payload);
            out.add(new LogRecord(partition, position, ts, payload));
          }
          p += 4 + len;
        }
        off += frame;
        bytes += frame;
        if (out.size() >= max) return;
      }
      filePos += off;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long at, long limit) throws IOException {
    int want = (int) Math.min(buf.remaining(), limit - at);
    buf.limit(buf.position() + Math.max(0, want));
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at + buf.position());
      if (n < 0) break;
    }
  }

  synchronized void close() {
    endDirect();
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a read/write channel after a force has nothing left to lose
      }
      channel = null;
    }
  }

  /** Closes and removes both files; concurrent readers of this segment then fail and retry. */
  void delete() throws IOException {
    synchronized (this) {
      deleted = true;
      close();
    }
    Files.deleteIfExists(logPath);
    Files.deleteIfExists(indexPath);
  }

  long diskBytes() {
    long idx = 0;
    try {
      idx = Files.exists(indexPath) ? Files.size(indexPath) : 0;
    } catch (IOException ignored) {
      // a vanished index counts as zero bytes
    }
    return fileBytes + idx;
  }
}
