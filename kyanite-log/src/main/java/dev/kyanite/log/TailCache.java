package dev.kyanite.log;

import dev.kyanite.core.log.LogRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recently acknowledged records of a partition, contiguous in position, bounded by bytes,
 * so that consumers reading at the tail (the common case) never touch the files. Not thread-safe:
 * the partition's lock guards it.
 */
final class TailCache {
  private final long maxBytes;
  // A power-of-two ring (index with a mask); sizes are kept beside the records so that evicting
  // the oldest does not touch its (long cold) objects: this runs once per record on the writer.
  private LogRecord[] ring = new LogRecord[1024];
  private int[] sizes = new int[1024];
  private int head;
  private int size;
  private long bytes;
  private long first = -1;

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds the next record; it must follow the newest cached one. */
  void add(LogRecord r) {
    if (maxBytes == 0) return;
    if (size > 0 && r.position() != first + size) clear();
    if (size == 0) first = r.position();
    if (size == ring.length) grow();
    int mask = ring.length - 1;
    int at = (head + size) & mask;
    int cost = r.payload().length + 64;
    ring[at] = r;
    sizes[at] = cost;
    size++;
    bytes += cost;
    while (bytes > maxBytes && size > 1) {
      ring[head] = null;
      bytes -= sizes[head];
      head = (head + 1) & mask;
      size--;
      first++;
    }
  }

  private void grow() {
    LogRecord[] bigger = new LogRecord[ring.length * 2];
    int[] biggerSizes = new int[ring.length * 2];
    for (int i = 0; i < size; i++) {
      int from = (head + i) & (ring.length - 1);
      bigger[i] = ring[from];
      biggerSizes[i] = sizes[from];
    }
    ring = bigger;
    sizes = biggerSizes;
    head = 0;
  }

  /** Whether position {@code from} is cached. */
  boolean covers(long from) {
    return size > 0 && from >= first && from < first + size;
  }

  List<LogRecord> read(long from, int max) {
    int start = (int) (from - first);
    int n = Math.min(max, size - start);
    List<LogRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(ring[(head + start + i) & (ring.length - 1)]);
    return out;
  }

  void clear() {
    for (int i = 0; i < size; i++) ring[(head + i) & (ring.length - 1)] = null;
    head = 0;
    size = 0;
    bytes = 0;
    first = -1;
  }
}
