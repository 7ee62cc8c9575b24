package dev.kyanite.server.worker;

/**
 * Which log positions of one partition are fully handled, so the consumer can commit the lowest
 * position that still has an unsettled (event, endpoint) pair — never past it.
 *
 * <p>Positions are opened in order, each with its number of pairs (0 for an event that goes
 * nowhere); pairs settle in any order from any thread. {@link #committable()} is the first position
 * with unsettled pairs, or the next position to open when everything is settled. A ring buffer of
 * counters makes both operations O(1) amortised. Thread-safe (one monitor); {@link #awaitRoom}
 * blocks the reader while too many positions are open.
 */
final class PartitionTracker {
  private int[] pending;
  private long head; // first position not yet committable
  private long tail; // next position to open

  PartitionTracker(long start, int initialCapacity) {
    this.head = start;
    this.tail = start;
    this.pending = new int[Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1];
  }

  /** Opens the next position with {@code pairs} unsettled pairs; positions must come in order. */
  synchronized void open(long position, int pairs) {
    if (position != tail) throw new IllegalStateException("expected position " + tail + ", got " + position);
    if (tail - head >= pending.length) grow();
    pending[index(position)] = pairs;
    tail++;
    advance();
  }

  /**
   * Opens every position up to {@code end} (exclusive) with no pairs: events that go nowhere. O(1)
   * when nothing is open; otherwise one counter per position, as {@link #open} would.
   */
  synchronized void openSettled(long end) {
    if (end <= tail) return;
    if (head == tail) {
      head = tail = end;
      return;
    }
    while (tail < end) open(tail, 0);
  }

  /** One pair of {@code position} is delivered or durably scheduled. */
  synchronized void settle(long position) {
    int i = index(position);
    if (position < head || position >= tail || pending[i] <= 0) throw new IllegalStateException("settle of closed position " + position);
    if (--pending[i] == 0 && position == head) {
      advance();
      notifyAll();
    }
  }

  /** The position up to which (exclusive) the consumer may commit. */
  synchronized long committable() {
    return head;
  }

  /** Positions opened but not yet committable. */
  synchronized long open() {
    return tail - head;
  }

  /** Blocks while {@code maxOpen} or more positions are open; false if interrupted or timed out. */
  synchronized boolean awaitRoom(long maxOpen, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (tail - head >= maxOpen) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return false;
      wait(left);
    }
    return true;
  }

  private void advance() {
    while (head < tail && pending[index(head)] == 0) head++;
  }

  private int index(long position) {
    return (int) (position & (pending.length - 1));
  }

  private void grow() {
    int[] bigger = new int[pending.length * 2];
    for (long p = head; p < tail; p++) bigger[(int) (p & (bigger.length - 1))] = pending[index(p)];
    pending = bigger;
  }
}
