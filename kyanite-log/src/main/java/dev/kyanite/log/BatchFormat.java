package dev.kyanite.log;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and checks one batch frame, version 1 (the layout is documented on {@link FileEventLog}).
 * All integers are big-endian. Stateless; thread-safe.
 */
final class BatchFormat {
  static final byte VERSION = 1;
  /** Bytes before the first record: length, crc, version, flags, base position, timestamp, count. */
  static final int HEADER = 30;
  /** Bytes counted by the length field that precede the records (crc .. count). */
  static final int LENGTH_OVERHEAD = HEADER - 4;
  static final int RECORD_OVERHEAD = 4;

  private BatchFormat() {}

  /** Total frame size of a batch with these payloads. */
  static int frameSize(List<byte[]> records) {
    long size = HEADER;
    for (byte[] r : records) size += RECORD_OVERHEAD + r.length;
    return size > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) size;
  }

  /** Writes one frame at {@code out}'s position; {@code out} must have {@link #frameSize} room. */
  static void encode(ByteBuffer out, long basePosition, long timestampMillis, List<byte[]> records) {
    int start = out.position();
    out.putInt(0).putInt(0).put(VERSION).put((byte) 0).putLong(basePosition).putLong(timestampMillis)
        .putInt(records.size());
    for (byte[] r : records) out.putInt(r.length).put(r);
    int end = out.position();
    out.putInt(start, end - start - 4);
    // CRC straight over the buffer (no duplicate per frame): narrow it, then restore it
    int limit = out.limit();
    CRC32C crc = new CRC32C();
    crc.update(out.limit(end).position(start + 8));
    out.limit(limit).position(end);
    out.putInt(start + 4, (int) crc.getValue());
  }

  static int crc(ByteBuffer buf, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(to).position(from));
    return (int) crc.getValue();
  }

  /**
   * Checks the frame that starts at {@code at} in {@code buf} (absolute indexes, position and limit
   * untouched).
   *
   * @return the frame's total size, {@code 0} if the buffer ends before the frame does (read more),
   *     or {@code -1} if the bytes are not a valid frame with base position {@code expectedBase}
   *     ({@code expectedBase < 0} accepts any base)
   */
  static int check(ByteBuffer buf, int at, long expectedBase, int maxFrame) {
    int avail = buf.limit() - at;
    if (avail < 4) return 0;
    int length = buf.getInt(at);
    if (length < LENGTH_OVERHEAD || length > maxFrame - 4) return -1;
    if (avail < 4 + length) return 0;
    if (buf.get(at + 8) != VERSION) return -1;
    if (buf.getInt(at + 4) != crc(buf, at + 8, at + 4 + length)) return -1;
    if (expectedBase >= 0 && buf.getLong(at + 10) != expectedBase) return -1;
    int count = buf.getInt(at + 26);
    if (count < 1) return -1;
    // The records must tile the frame exactly; the CRC already vouches for the bytes, this guards
    // against a writer bug producing a frame that decodes out of bounds.
    int p = at + HEADER;
    int end = at + 4 + length;
    for (int i = 0; i < count; i++) {
      if (end - p < RECORD_OVERHEAD) return -1;
      int size = buf.getInt(p);
      if (size < 0 || size > end - p - RECORD_OVERHEAD) return -1;
      p += RECORD_OVERHEAD + size;
    }
    return p == end ? 4 + length : -1;
  }

  static long basePosition(ByteBuffer buf, int at) {
    return buf.getLong(at + 10);
  }

  static long timestamp(ByteBuffer buf, int at) {
    return buf.getLong(at + 18);
  }

  static int count(ByteBuffer buf, int at) {
    return buf.getInt(at + 26);
  }
}
