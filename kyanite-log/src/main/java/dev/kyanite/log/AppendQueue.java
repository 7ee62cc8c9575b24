package dev.kyanite.log;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue between appenders (many threads) and one partition writer (the only consumer).
 *
 * <p>Why not a {@code LinkedBlockingQueue}: there every {@code add} takes a lock and, while the
 * writer waits, signals it, so a writer gathering the next group commit was woken (a futex call on
 * each side and a context switch) once per append. Here {@link #add} is one CAS and wakes the
 * writer only when it is parked in {@link #take}; while the writer gathers it polls without
 * sleeping ({@link #drainTo}), so returning appenders cost it no wake-ups at all.
 *
 * <p>No lost wake-up: the writer publishes itself in {@code waiter} before its last poll; an
 * appender offers before it reads {@code waiter}. Whichever comes second sees the other.
 */
final class AppendQueue<T> {
  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  private volatile Thread waiter;

  /** Queues {@code item}; never blocks. Any thread. */
  void add(T item) {
    items.offer(item);
    Thread w = waiter;
    if (w != null) LockSupport.unpark(w);
  }

  /** The next item, or null if none. Consumer only (and {@code failQueued} after the consumer stopped). */
  T poll() {
    return items.poll();
  }

  /**
   * Waits for the next item, at most {@code timeoutNanos} ({@link Long#MAX_VALUE}: no limit).
   * Returns null on timeout. Consumer only.
   */
  T take(long timeoutNanos) throws InterruptedException {
    T t = items.poll();
    if (t != null) return t;
    long deadline = System.nanoTime() + timeoutNanos;
    waiter = Thread.currentThread();
    try {
      while ((t = items.poll()) == null) {
        if (Thread.interrupted()) throw new InterruptedException();
        if (timeoutNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) return null;
          LockSupport.parkNanos(this, left);
        }
      }
      return t;
    } finally {
      waiter = null;
    }
  }

  /** Moves up to {@code max} queued items to {@code into}; returns how many. Consumer only. */
  int drainTo(List<? super T> into, int max) {
    int n = 0;
    T t;
    while (n < max && (t = items.poll()) != null) {
      into.add(t);
      n++;
    }
    return n;
  }
}
