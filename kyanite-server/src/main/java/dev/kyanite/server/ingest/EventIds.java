package dev.kyanite.server.ingest;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Server-assigned event ids: {@code evt_} + a ULID (26 Crockford base-32 characters: 48 bits of
 * milliseconds since the epoch, then 80 random bits). Ids sort by creation time to the millisecond,
 * so the event index grows at its end; collisions need two equal 80-bit draws within one
 * millisecond. Lock-free (per-thread random), a few dozen nanoseconds each.
 */
final class EventIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private EventIds() {}

  static String next(long epochMillis) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong(); // 64 random bits
    long lo = r.nextLong() & 0xFFFF; // 16 more: 80 in all
    char[] c = new char[30];
    c[0] = 'e';
    c[1] = 'v';
    c[2] = 't';
    c[3] = '_';
    // 10 characters of time (50 bits, the top 2 always 0 until the year 10889)
    for (int i = 9; i >= 0; i--) {
      c[4 + i] = ALPHABET[(int) (epochMillis & 31)];
      epochMillis >>>= 5;
    }
    // 16 characters of randomness (80 bits): 64 from hi, 16 from lo
    for (int i = 15; i >= 0; i--) {
      int v;
      if (i >= 13) { // last 3 chars: 15 bits from lo
        v = (int) (lo & 31);
        lo >>>= 5;
      } else {
        v = (int) (hi & 31);
        hi >>>= 5;
      }
      c[14 + i] = ALPHABET[v];
    }
    return new String(c);
  }

  /**
   * The millisecond a server-assigned id was made in, or -1 when {@code id} does not have the form
   * {@link #next} gives (a client's own id). A client may choose an id of that form too, so a match
   * is a hint to check, never a proof.
   */
  static long millis(String id) {
    if (id.length() != 30 || !id.startsWith("evt_")) return -1;
    long ms = 0;
    for (int i = 4; i < 14; i++) {
      int v = value(id.charAt(i));
      if (v < 0) return -1;
      ms = (ms << 5) | v;
    }
    for (int i = 14; i < 30; i++) {
      if (value(id.charAt(i)) < 0) return -1;
    }
    return ms;
  }

  /** The Crockford value of {@code c}, or -1 if {@link #next} never writes it. */
  private static int value(char c) {
    return c < VALUES.length ? VALUES[c] : -1;
  }

  /** Crockford value per ASCII character (-1 for the rest, I, L, O and U included): one load per character. */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int v = 0; v < 32; v++) VALUES[ALPHABET[v]] = (byte) v;
  }
}
