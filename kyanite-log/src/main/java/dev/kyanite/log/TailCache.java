package dev.kyanite.log;

import dev.kyanite.core.log.LogRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recently acknowledged records of a partition, contiguous in position, bounded by bytes,
 * so that consumers reading at the tail (the common case) never touch the files. Not thread-safe:
 * the partition's lock guards it.
 *
 * <p>Why off the heap: kept as {@link LogRecord}s (with their payload arrays) the last megabytes per
 * partition lived long enough to be copied by every young collection and then promoted, only to
 * die in the old generation: at 8,500 events/s that was a 12-38 ms young pause every ~1.4 s. Here
 * each record is copied into one direct {@link ByteBuffer} ring per partition, allocated once (at
 * the first add) and never reallocated; beside it only primitive arrays, which hold no references
 * for a collector to trace. {@link #read} copies the bytes out into fresh arrays: short-lived, they
 * die young.
 *
 * <p>Layout: an entry is {@code timestamp int64 | length int32 | payload}, written at a running
 * byte offset modulo the ring's capacity (an entry may wrap around its end). Entry {@code i} (the
 * record at position {@code first + i}) starts at {@code starts[(head + i) & mask]}; entries are
 * consecutive, so the oldest one's size is the gap to the next start. A record whose entry is
 * larger than the whole ring is not cached, and empties the cache (contiguity).
 *
 * <p>Records are {@linkplain #add added} by the writer as soon as their run is written, copied from
 * the run's encoded frames while those are still in the processor's cache (copying the appenders'
 * arrays at publication read them cold: a quarter of the writer's CPU under batch load), but stay
 * invisible to readers until {@link #publish}; {@link #dropPending} forgets them when the run is
 * cut back instead.
 */
final class TailCache {
  /** Bytes of an entry besides its payload: timestamp and length. */
  static final int ENTRY_HEADER = 12;

  private static final System.Logger LOG = System.getLogger(TailCache.class.getName());
  private final int capacity;
  private final java.util.function.IntFunction<ByteBuffer> allocator;
  private ByteBuffer ring;
  /** The ring could not be allocated: the cache holds nothing, and reads go to the files. */
  private boolean disabled;
  /** Running byte offsets (never wrapped) of the cached entries, a power-of-two ring of them. */
  private long[] starts = new long[1024];
  private int head;
  /** Entries held: the first {@link #visible} are published, the rest pending. */
  private int size;
  private int visible;
  private long first = -1;
  /** Running byte offset where the next entry goes; {@code starts[head]} is the oldest one's. */
  private long tail;

  /** A cache of at most {@code maxBytes} of entries (capped at 1 GiB); 0 caches nothing. */
  TailCache(long maxBytes) {
    this(maxBytes, ByteBuffer::allocateDirect);
  }

  /** With the ring from {@code allocator} (tests make it fail). */
  TailCache(long maxBytes, java.util.function.IntFunction<ByteBuffer> allocator) {
    this.capacity = (int) Math.min(maxBytes, 1L << 30);
    this.allocator = allocator;
  }

  /**
   * Adds the next record, pending until {@link #publish}: its payload is {@code src[off, off+len)}
   * (absolute indexes; {@code src}'s position and limit are untouched). If it does not follow the
   * newest entry the cache starts over.
   */
  void add(long position, long timestamp, ByteBuffer src, int off, int len) {
    if (capacity == 0 || disabled) return;
    if (size > 0 && position != first + size) clear();
    long cost = ENTRY_HEADER + (long) len;
    if (cost > capacity) {
      clear(); // keeping older records would leave a hole at this position
      return;
    }
    if (ring == null && !allocateRing()) return;
    while (size > 0 && tail - starts[head] + cost > capacity) evictOldest();
    if (size == starts.length) grow();
    if (size == 0) first = position;
    starts[(head + size) & (starts.length - 1)] = tail;
    size++;
    int at = offset(tail);
    if (at + ENTRY_HEADER <= capacity) {
      ring.putLong(at, timestamp);
      ring.putInt(at + 8, len);
    } else {
      byte[] header = ByteBuffer.allocate(ENTRY_HEADER).putLong(timestamp).putInt(len).array();
      put(at, ByteBuffer.wrap(header), 0, ENTRY_HEADER);
    }
    put(offset(tail + ENTRY_HEADER), src, off, len);
    tail += cost;
  }

  /**
   * Allocates the ring at the first add. Out of direct memory, the cache turns itself off instead
   * of throwing: the writer calls this after a run is written and before it is published, and an
   * error there would end the writer thread with that run's appends never answered.
   */
  private boolean allocateRing() {
    try {
      ring = allocator.apply(capacity);
      return true;
    } catch (OutOfMemoryError e) {
      disabled = true;
      LOG.log(System.Logger.Level.WARNING, "no direct memory for a tail cache of {0} bytes ({1}); this partition''s "
          + "readers read its files instead", capacity, e.getMessage());
      return false;
    }
  }

  /** Makes every pending entry visible to readers. */
  void publish() {
    visible = size;
  }

  /** Forgets the pending entries (their run was cut back: the positions will be used again). */
  void dropPending() {
    if (size == visible) return;
    if (visible == 0) {
      clear();
      return;
    }
    tail = starts[(head + visible) & (starts.length - 1)];
    size = visible;
  }

  /** Whether position {@code from} is cached. */
  boolean covers(long from) {
    return visible > 0 && from >= first && from < first + visible;
  }

  /** Up to {@code max} records from {@code from}, which must be {@linkplain #covers covered}. */
  List<LogRecord> read(int partition, long from, int max) {
    int start = (int) (from - first);
    int n = Math.min(max, visible - start);
    List<LogRecord> out = new ArrayList<>(n);
    byte[] header = null;
    for (int i = 0; i < n; i++) {
      int at = offset(starts[(head + start + i) & (starts.length - 1)]);
      long timestamp;
      int length;
      if (at + ENTRY_HEADER <= capacity) {
        timestamp = ring.getLong(at);
        length = ring.getInt(at + 8);
      } else {
        if (header == null) header = new byte[ENTRY_HEADER];
        get(at, header);
        ByteBuffer h = ByteBuffer.wrap(header);
        timestamp = h.getLong();
        length = h.getInt();
      }
      byte[] payload = new byte[length];
      get((at + ENTRY_HEADER) % capacity, payload);
      out.add(new LogRecord(partition, from + i, timestamp, payload));
    }
    return out;
  }

  /** Bytes of entries cached (headers included); at most the capacity. */
  long bytes() {
    return size == 0 ? 0 : tail - starts[head];
  }

  /** Records cached and visible. */
  int size() {
    return visible;
  }

  void clear() {
    head = 0;
    size = 0;
    visible = 0;
    first = -1;
    tail = 0;
  }

  private void evictOldest() {
    head = (head + 1) & (starts.length - 1);
    size--;
    if (visible > 0) visible--; // else a pending one: a gather larger than the ring
    first++;
    if (size == 0) clear();
  }

  /** Doubles the starts ring; bounded, since every entry takes at least {@link #ENTRY_HEADER} bytes. */
  private void grow() {
    long[] bigger = new long[starts.length * 2];
    for (int i = 0; i < size; i++) bigger[i] = starts[(head + i) & (starts.length - 1)];
    starts = bigger;
    head = 0;
  }

  private int offset(long running) {
    return (int) (running % capacity);
  }

  /** Copies {@code src[off, off+len)} into the ring at {@code at}, wrapping around its end. */
  private void put(int at, ByteBuffer src, int off, int len) {
    int firstPart = Math.min(len, capacity - at);
    ring.put(at, src, off, firstPart);
    if (firstPart < len) ring.put(0, src, off + firstPart, len - firstPart);
  }

  /** Fills {@code dst} from the ring at {@code at}, wrapping around its end. */
  private void get(int at, byte[] dst) {
    int firstPart = Math.min(dst.length, capacity - at);
    ring.get(at, dst, 0, firstPart);
    if (firstPart < dst.length) ring.get(0, dst, firstPart, dst.length - firstPart);
  }
}
