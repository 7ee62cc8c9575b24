package dev.kyanite.core.store;

/**
 * A run of consecutive positions of one partition, {@code [first, last]}, whose events were all
 * received between {@code minMillis} and {@code maxMillis} (epoch milliseconds, inclusive). The
 * index keeps spans instead of one row per event for events whose id is server-assigned: such an
 * id carries its receipt millisecond, so a lookup reads only the spans that contain it and scans
 * their records. A span covers at most {@link #MAX_MILLIS} of receipt time, which bounds the
 * lookup's search.
 *
 * @throws IllegalArgumentException if the bounds are inverted or the time range is wider than
 *     {@link #MAX_MILLIS}
 */
public record EventSpan(int partition, long first, long last, long minMillis, long maxMillis) {
  /** The widest receipt-time range of one span. */
  public static final long MAX_MILLIS = 1_000;

  public EventSpan {
    if (partition < 0 || first < 0 || last < first) {
      throw new IllegalArgumentException("bad span: partition " + partition + " [" + first + ", " + last + "]");
    }
    if (maxMillis < minMillis || maxMillis - minMillis > MAX_MILLIS) {
      throw new IllegalArgumentException("bad span time range [" + minMillis + ", " + maxMillis + "]");
    }
  }

  /** Whether the span covers this position of this partition. */
  public boolean covers(int p, long position) {
    return p == partition && position >= first && position <= last;
  }
}
