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

/**
 * The least a durable server must do, for the durable bare baseline ({@code bare --durable}): one
 * writer thread takes every queued body (a <em>gather</em>), writes them with {@code O_DIRECT} into
 * a file that was zero-filled and forced once at start (so a write changes no file metadata), forces
 * it once, and only then runs each body's callback. No record format, no CRC, no index, no reader:
 * the file is a 64 MiB ring that is never read. What is left is the cost this machine charges for
 * "durable before the answer" — the hand-off to the writer, the direct write, the flush, and the
 * hand-off back — which is what the real server is compared with next to the not-durable baseline.
 *
 * <p>Also the log benchmark's {@code raw} phase: the same appenders as against the log, with this
 * in its place, show what the log's format, index and ack thread add to the machine's own cost.
 *
 * <p>Thread safety: {@link #append} from any thread; callbacks run on the writer thread.
 */
public final class GroupCommit implements AutoCloseable {
  private static final int BLOCK = 4096;
  private static final long RING = 64L << 20;
  private static final int BUFFER = 8 << 20;

  private record Pending(byte[] body, Runnable done) {}

  private static final Pending STOP = new Pending(null, null);

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER + BLOCK).alignedSlice(BLOCK);
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final long ring;
  private final Thread writer;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong forces = new AtomicLong();
  private long at;

  private GroupCommit(FileChannel channel, long ring) {
    this.channel = channel;
    this.ring = ring;
    this.writer = new Thread(this::writeLoop, "bare-group-commit");
    writer.setDaemon(true);
    writer.start();
  }

  /** Creates {@code dir}/bare-durable.ring (64 MiB), zero-filled and forced, and starts the writer. */
  public static GroupCommit open(Path dir) throws IOException {
    return open(dir, RING);
  }

  /** The same with a ring of {@code ringBytes} (a multiple of 1 MiB). */
  static GroupCommit open(Path dir, long ringBytes) throws IOException {
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
    return new GroupCommit(FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT),
        ringBytes);
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

  /** Queues {@code body}; {@code done} runs on the writer thread once the body is on disk. */
  public void append(byte[] body, Runnable done) {
    queue.add(new Pending(body, done));
  }

  private void writeLoop() {
    List<Pending> gather = new ArrayList<>();
    try {
      while (true) {
        gather.add(queue.take());
        queue.drainTo(gather);
        boolean stop = gather.remove(STOP);
        buffer.clear();
        for (Pending p : gather) put(p.body());
        writeBuffer();
        channel.force(false);
        records.addAndGet(gather.size());
        forces.incrementAndGet();
        for (Pending p : gather) p.done().run();
        gather.clear();
        if (stop) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    int length = (buffer.position() + BLOCK - 1) / BLOCK * BLOCK;
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
