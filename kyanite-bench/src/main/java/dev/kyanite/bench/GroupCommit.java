package dev.kyanite.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A minimal durable write path, for the durable bare baseline ({@code bare --durable}): one writer
 * thread takes every queued body (a <em>gather</em>), writes them with {@code O_DIRECT} into a file
 * that was zero-filled and forced once at start (so a write changes no file metadata), forces it
 * once, and only then runs each body's callback. No record format, no CRC, no index, no reader, no
 * linger: the file is a ring that is never read. What is left is what this machine charges for
 * "durable before the answer" done the simple way — the hand-off to the writer, the direct write,
 * the flush, and the hand-off back. It is a baseline, not a ceiling: the log's linger gathers more
 * per flush than this does.
 *
 * <p>Also the log benchmark's {@code raw} phase: the same appenders as against the log, with this
 * in its place, show what the log's format, index, linger and ack thread change.
 *
 * <p>Where the file system refuses {@code O_DIRECT} (tmpfs before Linux 6.6), it writes through the
 * page cache instead and says so on stderr. A failed write or force fails that gather's callbacks
 * with the exception; the next gather tries again.
 *
 * <p>Thread safety: {@link #append} from any thread; callbacks run on the writer thread.
 */
public final class GroupCommit implements AutoCloseable {
  private static final long RING = 64L << 20;
  private static final int BUFFER = 8 << 20;

  private record Pending(byte[] body, Consumer<IOException> done) {}

  private static final Pending STOP = new Pending(null, null);

  private final FileChannel channel;
  private final int block;
  private final ByteBuffer buffer;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final long ring;
  private final Thread writer;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong forces = new AtomicLong();
  private long at;

  private GroupCommit(FileChannel channel, int block, long ring) {
    this.channel = channel;
    this.block = block;
    this.ring = ring;
    // never more than the ring in one write, so a write stays inside the pre-zeroed file
    int size = (int) Math.min(BUFFER, ring);
    this.buffer = ByteBuffer.allocateDirect(size + block).alignedSlice(block).limit(size).slice();
    this.writer = new Thread(this::writeLoop, "bare-group-commit");
    writer.setDaemon(true);
    writer.start();
  }

  /** Creates {@code dir}/bare-durable.ring (64 MiB), zero-filled and forced, and starts the writer. */
  public static GroupCommit open(Path dir) throws IOException {
    return open(dir, RING);
  }

  /** The same with a ring of {@code ringBytes} (a multiple of 1 MiB, at least 1 MiB). */
  static GroupCommit open(Path dir, long ringBytes) throws IOException {
    if (ringBytes < (1 << 20) || ringBytes % (1 << 20) != 0) throw new IllegalArgumentException("ring must be whole MiB");
    Files.createDirectories(dir);
    Path file = dir.resolve("bare-durable.ring");
    try (FileChannel zero = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
      for (long pos = 0; pos < ringBytes; ) {
        zeros.clear();
        pos += zero.write(zeros, pos);
      }
      zero.force(true);
    }
    int block = (int) Math.max(4096, Math.min(1 << 20, Files.getFileStore(file).getBlockSize()));
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      System.err.println("bare-durable: O_DIRECT refused in " + dir + " (" + e + "): writing through the page cache");
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
    }
    return new GroupCommit(channel, block, ringBytes);
  }

  /**
   * Queues {@code body}; {@code done} runs on the writer thread once the body is on disk (with
   * null) or once writing it failed (with the exception).
   */
  public void append(byte[] body, Consumer<IOException> done) {
    queue.add(new Pending(body, done));
  }

  /**
   * Writes and forces {@code bodies} on the calling thread (which blocks for the flush): the
   * variant with no hand-off at all, for comparison. Not to be mixed with {@link #append}.
   */
  synchronized void writeNow(List<byte[]> bodies) throws IOException {
    buffer.clear();
    for (byte[] b : bodies) put(b);
    writeBuffer();
    channel.force(false);
  }

  private void writeLoop() {
    List<Pending> gather = new ArrayList<>();
    try {
      while (true) {
        gather.add(queue.take());
        queue.drainTo(gather);
        boolean stop = gather.remove(STOP);
        IOException failure = null;
        try {
          buffer.clear();
          for (Pending p : gather) put(p.body());
          writeBuffer();
          channel.force(false);
          records.addAndGet(gather.size());
          forces.incrementAndGet();
        } catch (IOException e) {
          failure = e;
        }
        for (Pending p : gather) {
          try {
            p.done().accept(failure);
          } catch (RuntimeException e) {
            e.printStackTrace(); // one bad callback must not stop the writer
          }
        }
        gather.clear();
        if (stop) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Bodies made durable by {@link #append} so far. */
  public long records() {
    return records.get();
  }

  /** Forces by the writer thread so far (one per gather). */
  public long forces() {
    return forces.get();
  }

  private void put(byte[] bytes) throws IOException {
    for (int off = 0; off < bytes.length; ) {
      if (!buffer.hasRemaining()) writeBuffer();
      int n = Math.min(buffer.remaining(), bytes.length - off);
      buffer.put(bytes, off, n);
      off += n;
    }
  }

  /** Writes the buffer's whole blocks (the last one padded with what is left in it) and clears it. */
  private void writeBuffer() throws IOException {
    if (buffer.position() == 0) return;
    int length = (buffer.position() + block - 1) / block * block;
    buffer.limit(length).position(0);
    if (at + length > ring) at = 0;
    while (buffer.hasRemaining()) channel.write(buffer, at + buffer.position());
    at += length;
    buffer.clear();
  }

  @Override
  public void close() {
    queue.add(STOP);
    try {
      writer.join(10_000);
      channel.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
