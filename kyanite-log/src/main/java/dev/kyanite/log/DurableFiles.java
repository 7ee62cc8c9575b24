package dev.kyanite.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Small files replaced atomically: write {@code name.tmp}, force it, rename over {@code name},
 * force the directory. A reader sees the old or the new content, never a mix. The content ends
 * with a CRC32C of everything before it, so damage is detected rather than trusted.
 */
final class DurableFiles {
  private DurableFiles() {}

  static void write(Path file, byte[] body) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer buf = ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).flip();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(file.getParent());
  }

  /** The body written by {@link #write}, or null if the file is missing or fails its CRC. */
  static byte[] read(Path file) throws IOException {
    if (!Files.exists(file)) return null;
    byte[] all = Files.readAllBytes(file);
    if (all.length < 4) return null;
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) return null;
    byte[] body = new byte[all.length - 4];
    System.arraycopy(all, 0, body, 0, body.length);
    return body;
  }

  /** Makes a directory's entries (created, renamed, deleted files) durable. */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
