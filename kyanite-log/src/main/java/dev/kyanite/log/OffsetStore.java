package dev.kyanite.log;

import dev.kyanite.core.log.LogException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Committed consumer-group positions, kept in memory and in {@code consumer-offsets}, which every
 * commit replaces atomically ({@link DurableFiles}): version (int32), entry count (int32), then per
 * (group, partition) the group name length (uint16), its UTF-8 bytes, the partition (int32) and the
 * committed next position (int64); a CRC32C ends the file. Thread-safe (one monitor): commits are
 * rare next to appends, so a whole-file rewrite per commit is cheap enough and simple to trust.
 */
final class OffsetStore {
  static final String FILE = "consumer-offsets";
  private static final int VERSION = 1;

  private final Path file;
  private final int partitions;
  private final Map<String, long[]> groups = new HashMap<>();
  private final boolean reset;

  OffsetStore(Path dir, int partitions) throws IOException {
    this.file = dir.resolve(FILE);
    this.partitions = partitions;
    byte[] body = DurableFiles.read(file);
    boolean damaged = body == null && Files.exists(file);
    if (body != null) damaged = !parse(body);
    if (damaged) {
      groups.clear();
      System.getLogger(OffsetStore.class.getName()).log(System.Logger.Level.ERROR,
          "consumer offsets in {0} are damaged; every group restarts from the oldest record", file);
    }
    this.reset = damaged;
  }

  boolean wasReset() {
    return reset;
  }

  private boolean parse(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    try {
      if (b.getInt() != VERSION) return false;
      int n = b.getInt();
      for (int i = 0; i < n; i++) {
        byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(name);
        int partition = b.getInt();
        long position = b.getLong();
        if (partition < 0 || partition >= partitions) continue;
        groups.computeIfAbsent(new String(name, StandardCharsets.UTF_8), g -> new long[partitions])[partition] = position;
      }
      return !b.hasRemaining();
    } catch (RuntimeException e) {
      return false;
    }
  }

  synchronized long committed(String group, int partition) {
    long[] g = groups.get(group);
    return g == null ? 0 : g[partition];
  }

  /** The lowest committed position of any group, or {@link Long#MAX_VALUE} when no group exists. */
  synchronized long minCommitted(int partition) {
    long min = Long.MAX_VALUE;
    for (long[] g : groups.values()) min = Math.min(min, g[partition]);
    return min;
  }

  synchronized void commit(String group, int partition, long nextPosition) {
    byte[] name = group.getBytes(StandardCharsets.UTF_8);
    if (name.length > 0xFFFF) throw new IllegalArgumentException("group name too long");
    long[] g = groups.get(group);
    boolean isNew = g == null;
    if (isNew) {
      g = new long[partitions];
      groups.put(group, g);
    }
    long old = g[partition];
    g[partition] = nextPosition;
    try {
      DurableFiles.write(file, serialize());
    } catch (IOException e) {
      g[partition] = old;
      if (isNew) groups.remove(group);
      throw FileEventLog.failure("commit of group " + group, e);
    }
  }

  private byte[] serialize() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      out.writeInt(groups.size() * partitions);
      for (Map.Entry<String, long[]> e : groups.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p < partitions; p++) {
          out.writeShort(name.length);
          out.write(name);
          out.writeInt(p);
          out.writeLong(e.getValue()[p]);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new LogException(LogException.Reason.IO, "cannot serialize offsets", e);
    }
  }
}
