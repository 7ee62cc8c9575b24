package dev.kyanite.log;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue between appenders (many threads) and one partition writer (the only consumer).
 *
 * <p>Why not a {@code LinkedBlockingQueue}: there every {@code add} takes a lock and, while the
 * writer waits, signals it, so a writer gathering the next group commit was woken (a futex call on
 * each side, a context switch) once per returning append — up to 64 times per fsync in the
 * benchmark. Here the writer says how many items it waits for ({@link #await}) and {@link #add}
 * (a CAS and an atomic increment) wakes it only when that many are queued: one wake-up per gather.
 *
 * <p>No lost wake-up: the writer publishes {@code wakeAt} and itself in {@code waiter} before it
 * re-reads the count; an appender increments the count before it reads {@code waiter}. Whichever
 * comes second sees the other.
 */
final class AppendQueue<T> {
  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  /** Items queued; incremented after the offer, so never more than the queue holds. */
  private final AtomicInteger size = new AtomicInteger();
  private volatile int wakeAt = 1;
  private volatile Thread waiter;

  /** Queues {@code item}; never blocks. Any thread. */
  void add(T item) {
    items.offer(item);
    int n = size.incrementAndGet();
    Thread w = waiter;
    if (w != null && n >= wakeAt) LockSupport.unpark(w);
  }

  /** The next item, or null if none. Consumer only (or anyone once the consumer has stopped). */
  T poll() {
    T t = items.poll();
    if (t != null) size.decrementAndGet();
    return t;
  }

  /** Moves up to {@code max} queued items to {@code into}; returns how many. Consumer only. */
  int drainTo(List<? super T> into, int max) {
    int n = 0;
    T t;
    while (n < max && (t = poll()) != null) {
      into.add(t);
      n++;
    }
    return n;
  }

  /**
   * Waits until at least {@code count} items are queued, at most {@code timeoutNanos} ({@link
   * Long#MAX_VALUE}: no limit). Returns whether they are. Consumer only.
   */
  boolean await(int count, long timeoutNanos) throws InterruptedException {
    if (size.get() >= count) return true;
    long deadline = System.nanoTime() + timeoutNanos;
    wakeAt = count;
    waiter = Thread.currentThread();
    try {
      while (size.get() < count) {
        if (Thread.interrupted()) throw new InterruptedException();
        if (timeoutNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) return false;
          LockSupport.parkNanos(this, left);
        }
      }
      return true;
    } finally {
      waiter = null;
    }
  }

  /** Waits for the next item, at most {@code timeoutNanos}; null on timeout. Consumer only. */
  T take(long timeoutNanos) throws InterruptedException {
    T t = poll();
    if (t != null || !await(1, timeoutNanos)) return t;
    return poll();
  }
}
