package dev.kyanite.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * An exclusive OS file lock on {@code <data-dir>/kyanite.lock}, held for the life of the server,
 * so that a second server on the same data dir refuses to start instead of corrupting the log.
 * The lock file holds the owner's pid (informational). The OS releases the lock when the process
 * dies, even on {@code kill -9}.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE = "kyanite.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
          DataDir.ownerOnlyFile(file));
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by this JVM (another server instance in the same process)
      }
      if (l == null) {
        String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        ch.close();
        throw new StartupException("data dir " + dataDir.toAbsolutePath() + " is in use by another Kyanite server"
            + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; stop it or choose another --data-dir");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
      return new DataDirLock(ch, l);
    } catch (IOException e) {
      try {
        if (ch != null) ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StartupException("cannot lock data dir " + dataDir.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the OS drops the lock with the process anyway
    }
  }
}
