package dev.kyanite.log;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends to the active segment's file through a second channel opened with {@code O_DIRECT}
 * ({@link FileLogOptions#directIo()}): the bytes go from an aligned buffer to the device without
 * a page-cache copy, and the group commit's {@code fdatasync} then only flushes the device cache.
 * Measured on the project's VM (2026-11-28, 30 KB writes + fdatasync into a pre-zeroed file): 80
 * instead of 197 µs of CPU per write, and more writes a second, because buffered writes allocate,
 * copy and write back page-cache pages on every append (see docs/performance.md). The writer's own
 * pre-zeroing (of segments that were not prepared by the {@link SegmentPreparer}) and lone appends
 * over {@link #MAX_WRITE} stay in the page cache.
 *
 * <p>{@code O_DIRECT} reads and writes whole aligned blocks only. An append therefore rewrites the
 * file from the start of the block holding the first new byte: the bytes of that block already in
 * the file (kept here in memory, {@link #tail}), then the new bytes, then zeros up to the block's
 * end. The rewritten prefix is byte for byte what the file already holds, so a torn write of it
 * (any mix of old and new sectors) leaves every earlier record intact; the zeros past the frames
 * are the same clean end that the pre-zeroed tail gives, which recovery accepts.
 *
 * <p>The segment's ordinary channel still serves reads, truncation and forces; Linux keeps the two
 * coherent (a direct write drops the cached pages of its range). Writer thread only.
 */
final class DirectAppender {
  /**
   * Largest run written directly: the writer's encode buffer, so every run of a gather is, and
   * only a lone append larger than that (up to {@code maxBatchBytes}) goes through the page cache,
   * which also bounds the staging buffer. It was 256 KiB while the writer pre-zeroed every segment
   * through the page cache; with the next segment prepared in the background ({@link
   * SegmentPreparer}) a busy server's gathers (16 connections of 100-event batches on one partition,
   * ~0.4 MB) went through the page cache at 1.13-1.28 µs of writer CPU per event, and directly at
   * 0.51 (docs/performance.md, 2026-11-28). The log alone (LogBench batched, 64 appenders) showed
   * no difference beyond its noise: 942k / 729k records/s against 889k / 728k.
   */
  static final int MAX_WRITE = PartitionWriter.BUFFER_BYTES;
  /** Source of the padding after the last frame (less than one block). */
  private static final byte[] PADDING = new byte[1 << 16];

  private final FileChannel channel;
  private final int block;
  /** The bytes {@code [alignDown(tailEnd), tailEnd)} of the file, in an aligned block-sized buffer. */
  private final ByteBuffer tail;
  /** The file offset whose partial block {@link #tail} holds; -1 when it must be read again. */
  private long tailEnd = -1;
  private ByteBuffer staging;

  private DirectAppender(FileChannel channel, int block, ByteBuffer tail) {
    this.channel = channel;
    this.block = block;
    this.tail = tail;
  }

  /**
   * Opens {@code path} for direct writes. Throws when the file system refuses {@code O_DIRECT}
   * (tmpfs before Linux 6.6, some FUSE file systems) or has an odd block size; the caller then
   * writes through the page cache.
   */
  static DirectAppender open(Segment.ChannelOpener opener, Path path) throws IOException {
    long size = Files.getFileStore(path).getBlockSize();
    if (size < 512 || size > PADDING.length || Long.bitCount(size) != 1) {
      throw new IOException("unsuitable block size for O_DIRECT: " + size);
    }
    FileChannel ch;
    try {
      ch = opener.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (UnsupportedOperationException e) {
      throw new IOException("O_DIRECT not supported: " + e.getMessage(), e);
    }
    try {
      return new DirectAppender(ch, (int) size, aligned((int) size, (int) size));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Whether {@code n} bytes written at {@code at} fit, padded to whole blocks, before {@code
   * fileEnd}: direct writes only overwrite the pre-zeroed tail, never grow the file (a size change
   * would make the group commit's {@code fdatasync} commit metadata too).
   */
  boolean fitsBefore(long at, int n, long fileEnd) {
    return n <= MAX_WRITE && alignUp(at + n) <= fileEnd;
  }

  /**
   * Writes the remaining bytes of {@code buf} at file offset {@code at} (the segment's written
   * size), padded to whole blocks, which the caller has checked with {@link #fitsBefore}. {@code
   * file} is the segment's ordinary channel, read to learn the partial block's bytes after the end
   * moved without this appender.
   */
  void write(FileChannel file, long at, ByteBuffer buf) throws IOException {
    if (!buf.hasRemaining()) return;
    if (tailEnd != at) loadTail(file, at);
    int head = (int) (at & (block - 1));
    long start = at - head;
    int n = buf.remaining();
    int length = alignUp(head + n);
    ByteBuffer out = staging(length);
    out.clear();
    out.put(tail.duplicate().position(0).limit(head));
    out.put(buf);
    out.put(PADDING, 0, length - out.position());
    out.flip();
    tailEnd = -1; // unknown until the write has succeeded
    long pos = start;
    while (out.hasRemaining()) pos += channel.write(out, pos);
    long end = at + n;
    int newHead = (int) (end & (block - 1));
    tail.clear();
    tail.put(out.duplicate().position(length - block).limit(length - block + newHead));
    tailEnd = end;
  }

  /**
   * Forgets the cached partial block. The segment calls it whenever its end moves without this
   * appender (a cut-back, a truncation, a page-cache write): the end could come back to the very
   * offset cached here with other bytes before it, and a rewrite from the stale copy would then
   * replace acknowledged bytes.
   */
  void forget() {
    tailEnd = -1;
  }

  void close() throws IOException {
    channel.close();
  }

  private void loadTail(FileChannel file, long at) throws IOException {
    int head = (int) (at & (block - 1));
    tail.clear().limit(head);
    long from = at - head;
    while (tail.hasRemaining()) {
      if (file.read(tail, from + tail.position()) < 0) {
        throw new IOException("segment shorter than its written size " + at);
      }
    }
    tailEnd = at;
  }

  private ByteBuffer staging(int length) throws IOException {
    if (staging == null || staging.capacity() < length) staging = aligned(Math.max(length, 64 * 1024), block);
    return staging;
  }

  private int alignUp(int n) {
    return (n + block - 1) & -block;
  }

  private long alignUp(long n) {
    return (n + block - 1) & -(long) block;
  }

  /**
   * An aligned direct buffer. Running out of direct memory becomes an {@link IOException}, so that
   * the append fails like any failed write (and the segment falls back to the page cache) instead
   * of an {@link OutOfMemoryError} ending the writer thread.
   */
  private static ByteBuffer aligned(int capacity, int block) throws IOException {
    try {
      return ByteBuffer.allocateDirect(capacity + block).alignedSlice(block).limit(capacity).slice();
    } catch (OutOfMemoryError e) {
      throw new IOException("no direct memory for an O_DIRECT buffer of " + capacity + " bytes", e);
    }
  }
}
