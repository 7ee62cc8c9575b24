package dev.kyanite.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A partition's durable promise about its own files: every segment below {@code segmentBase} and
 * the first {@code validBytes} of segment {@code segmentBase} (ending just before position
 * {@code nextPosition}) were forced and validated. Recovery re-validates only what follows, so
 * its cost does not grow with the log. Stored in {@code recovery-point} as version (int32), segment
 * base (int64), valid bytes (int64), next position (int64), CRC32C (int32); replaced atomically.
 */
record RecoveryPoint(long segmentBase, long validBytes, long nextPosition) {
  static final String FILE = "recovery-point";
  private static final int VERSION = 1;

  void write(Path partitionDir) throws IOException {
    byte[] body = ByteBuffer.allocate(28).putInt(VERSION).putLong(segmentBase).putLong(validBytes)
        .putLong(nextPosition).array();
    DurableFiles.write(partitionDir.resolve(FILE), body);
  }

  /** The stored point, or null when missing or damaged (recovery then scans every segment). */
  static RecoveryPoint read(Path partitionDir) throws IOException {
    byte[] body = DurableFiles.read(partitionDir.resolve(FILE));
    if (body == null || body.length != 28) return null;
    ByteBuffer b = ByteBuffer.wrap(body);
    if (b.getInt() != VERSION) return null;
    return new RecoveryPoint(b.getLong(), b.getLong(), b.getLong());
  }
}
