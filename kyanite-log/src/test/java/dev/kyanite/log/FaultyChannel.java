package dev.kyanite.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A segment channel that fails when told to, like Tape's {@code BrokenRandomAccessFile}: writes run
 * out of space part-way ("No space left on device" after a byte allowance), forces fail with an I/O
 * error. Everything else goes to the real channel. A channel opened with {@code O_DIRECT} writes
 * whole blocks only, so its partial writes stop at a block boundary.
 */
final class FaultyChannel extends FileChannel {
  /** Shared switches for every channel opened through {@link #opener}. */
  static final class Faults {
    volatile long writeAllowance = Long.MAX_VALUE;
    volatile int failingForces;
    /** Channels opened with O_DIRECT and not closed yet. */
    final java.util.concurrent.atomic.AtomicInteger openDirect = new java.util.concurrent.atomic.AtomicInteger();
    /** While set, every write waits for it to open (a write stuck in the kernel); null: none waits. */
    volatile java.util.concurrent.CountDownLatch gate;
    /** Counted down by each write that reaches the gate. */
    final java.util.concurrent.CountDownLatch atGate = new java.util.concurrent.CountDownLatch(1);
    /** Writes made (each after the gate, if any). */
    final java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
  }

  static Segment.ChannelOpener opener(Faults faults) {
    return (path, options) -> new FaultyChannel(FileChannel.open(path, options), faults,
        java.util.Arrays.asList(options).contains(com.sun.nio.file.ExtendedOpenOption.DIRECT));
  }

  static final int BLOCK = 4096;

  private final FileChannel real;
  private final Faults faults;
  private final boolean direct;

  private FaultyChannel(FileChannel real, Faults faults, boolean direct) {
    this.real = real;
    this.faults = faults;
    this.direct = direct;
    if (direct) faults.openDirect.incrementAndGet();
  }

  private ByteBuffer allowed(ByteBuffer src) throws IOException {
    java.util.concurrent.CountDownLatch gate = faults.gate;
    if (gate != null) {
      faults.atGate.countDown();
      try {
        if (!gate.await(60, java.util.concurrent.TimeUnit.SECONDS)) throw new IOException("gate never opened");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }
    faults.writes.incrementAndGet();
    long allowance = faults.writeAllowance;
    if (direct) allowance = allowance / BLOCK * BLOCK;
    if (allowance <= 0) throw new IOException("No space left on device");
    if (src.remaining() <= allowance) return src;
    return src.slice().limit((int) allowance); // a partial write, as a filling disk does
  }

  private int account(ByteBuffer src, ByteBuffer part, int n) {
    if (part != src) src.position(src.position() + n);
    if (faults.writeAllowance != Long.MAX_VALUE) faults.writeAllowance -= n;
    return n;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    ByteBuffer part = allowed(src);
    return account(src, part, real.write(part, position));
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer part = allowed(src);
    return account(src, part, real.write(part));
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.failingForces > 0) {
      faults.failingForces--;
      throw new IOException("Input/output error");
    }
    real.force(metaData);
  }

  @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
  @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
  @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { throw new UnsupportedOperationException(); }
  @Override public long position() throws IOException { return real.position(); }
  @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
  @Override public long size() throws IOException { return real.size(); }
  /** Truncation gives the cut bytes back to the allowance, as a real filesystem frees them. */
  @Override
  public FileChannel truncate(long size) throws IOException {
    long before = real.size();
    real.truncate(size);
    if (faults.writeAllowance != Long.MAX_VALUE && size < before) faults.writeAllowance += before - size;
    return this;
  }
  @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return real.transferTo(position, count, target); }
  @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { return real.transferFrom(src, position, count); }
  @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
  @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return real.map(mode, position, size); }
  @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
  @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
  @Override
  protected void implCloseChannel() throws IOException {
    if (direct) faults.openDirect.decrementAndGet();
    real.close();
  }
}
