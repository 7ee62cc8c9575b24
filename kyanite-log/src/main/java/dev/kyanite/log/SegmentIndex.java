package dev.kyanite.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The sparse index of one segment: pairs (position − segment base, byte offset of the frame that
 * starts with that position), one per {@link #INTERVAL} bytes of log, strictly increasing in both.
 * On disk ({@code <base>.index}) the pairs are stored as two big-endian int32 each, nothing else.
 * Not thread-safe: the owning {@link Segment} guards it.
 */
final class SegmentIndex {
  /** Log bytes between two index entries. */
  static final int INTERVAL = 4096;

  private int[] rel = new int[16];
  private int[] pos = new int[16];
  private int size;

  int size() {
    return size;
  }

  void add(int relativePosition, int filePosition) {
    if (size == rel.length) {
      rel = Arrays.copyOf(rel, size * 2);
      pos = Arrays.copyOf(pos, size * 2);
    }
    rel[size] = relativePosition;
    pos[size] = filePosition;
    size++;
  }

  /** Byte offset of the last indexed frame whose first position is ≤ {@code relativePosition}. */
  int floor(long relativePosition) {
    int lo = 0;
    int hi = size - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (rel[mid] <= relativePosition) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : pos[found];
  }

  int lastFilePosition() {
    return size == 0 ? -1 : pos[size - 1];
  }

  int lastRelativePosition() {
    return size == 0 ? -1 : rel[size - 1];
  }

  /** Drops entries pointing at or past {@code filePosition}. */
  void truncateTo(long filePosition) {
    while (size > 0 && pos[size - 1] >= filePosition) size--;
  }

  void write(Path path) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size * 8);
    for (int i = 0; i < size; i++) buf.putInt(rel[i]).putInt(pos[i]);
    buf.flip();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
  }

  /**
   * Loads an index file, or returns null when it is missing or not a plausible index for a segment
   * of {@code segmentSize} bytes (the caller then rebuilds it by scanning the segment).
   */
  static SegmentIndex load(Path path, long segmentSize) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length % 8 != 0 || (bytes.length == 0) != (segmentSize == 0)) return null;
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    SegmentIndex index = new SegmentIndex();
    while (buf.hasRemaining()) {
      int r = buf.getInt();
      int p = buf.getInt();
      if (index.size == 0 ? (r != 0 || p != 0) : (r <= index.rel[index.size - 1] || p <= index.pos[index.size - 1])) {
        return null;
      }
      if (p >= segmentSize) return null;
      index.add(r, p);
    }
    return index;
  }
}
