package dev.kyanite.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyanite.core.log.LogRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TailCacheTest {
  private static final int H = TailCache.ENTRY_HEADER;

  private static byte[] payload(long position, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) b[i] = (byte) (position * 31 + i);
    return b;
  }

  @Test
  void readsBackWhatWasAddedAsFreshCopies() {
    TailCache cache = new TailCache(4096);
    byte[] original = payload(7, 10);
    cache.add(7, 1_000, original);
    cache.add(8, 1_001, payload(8, 0));
    cache.add(9, 1_002, payload(9, 300));
    original[0] = 99; // the caller's array is not the cache's

    List<LogRecord> rs = cache.read(3, 7, 10);
    assertEquals(3, rs.size());
    assertEquals(7, rs.get(0).position());
    assertEquals(1_000, rs.get(0).timestampMillis());
    assertArrayEquals(payload(7, 10), rs.get(0).payload());
    assertEquals(1_001, rs.get(1).timestampMillis());
    assertEquals(0, rs.get(1).payload().length);
    assertArrayEquals(payload(9, 300), rs.get(2).payload());
    assertEquals(3, rs.get(2).partition());

    rs.get(2).payload()[0] = 42; // a reader's array is its own too
    assertArrayEquals(payload(9, 300), cache.read(3, 9, 1).get(0).payload());
    assertEquals(2, cache.read(3, 8, 10).size());
    assertEquals(1, cache.read(3, 7, 1).size());
  }

  @Test
  void evictsTheOldestRecordsToStayWithinItsBytes() {
    TailCache cache = new TailCache(10 * (H + 88));
    for (long p = 0; p < 10; p++) cache.add(p, p, payload(p, 88));
    assertTrue(cache.covers(0));
    assertEquals(10 * (H + 88), cache.bytes());

    cache.add(10, 10, payload(10, 88));
    assertFalse(cache.covers(0));
    assertTrue(cache.covers(1));
    assertTrue(cache.covers(10));
    assertFalse(cache.covers(11));
    assertEquals(10, cache.size());

    cache.add(11, 11, payload(11, 88 + 3 * (H + 88))); // one big record pushes out four
    assertFalse(cache.covers(4));
    assertTrue(cache.covers(5));
    assertEquals(7, cache.size());
    assertArrayEquals(payload(11, 88 + 3 * (H + 88)), cache.read(0, 11, 1).get(0).payload());
  }

  @Test
  void aRecordLargerThanTheRingIsNotCachedAndEmptiesIt() {
    TailCache cache = new TailCache(1000);
    cache.add(0, 0, payload(0, 100));
    cache.add(1, 1, payload(1, 1000 - H + 1));
    assertFalse(cache.covers(0));
    assertFalse(cache.covers(1));
    assertEquals(0, cache.size());

    cache.add(2, 2, payload(2, 1000 - H)); // exactly the ring: cached, alone
    assertTrue(cache.covers(2));
    assertArrayEquals(payload(2, 1000 - H), cache.read(0, 2, 5).get(0).payload());
    cache.add(3, 3, payload(3, 1));
    assertFalse(cache.covers(2));
    assertArrayEquals(payload(3, 1), cache.read(0, 3, 5).get(0).payload());
  }

  @Test
  void aGapInPositionsStartsOver() {
    TailCache cache = new TailCache(1000);
    cache.add(0, 0, payload(0, 10));
    cache.add(5, 5, payload(5, 10));
    assertFalse(cache.covers(0));
    assertTrue(cache.covers(5));
    assertEquals(1, cache.size());
  }

  @Test
  void aZeroByteCacheHoldsNothing() {
    TailCache cache = new TailCache(0);
    cache.add(0, 0, payload(0, 10));
    assertFalse(cache.covers(0));
  }

  @Test
  void entriesAndReadsWrapAroundTheEndOfTheRing() {
    // 250 bytes, entries of 100: the third entry's payload wraps, later headers straddle the end
    TailCache cache = new TailCache(250);
    for (long p = 0; p < 12; p++) {
      cache.add(p, 1_000 + p, payload(p, 100 - H));
      List<LogRecord> rs = cache.read(1, Math.max(0, p - 1), 10);
      assertEquals(Math.min(p + 1, 2), rs.size());
      for (LogRecord r : rs) {
        assertEquals(1_000 + r.position(), r.timestampMillis());
        assertArrayEquals(payload(r.position(), 100 - H), r.payload());
      }
    }
  }

  @Test
  void matchesASimpleModelOverManyRandomSizes() {
    Random random = new Random(42);
    for (int capacity : new int[] {64, 257, 1000, 4096}) {
      TailCache cache = new TailCache(capacity);
      ArrayDeque<long[]> model = new ArrayDeque<>(); // {position, cost}
      long bytes = 0;
      for (long p = 0; p < 5_000; p++) {
        int length = random.nextInt(10) == 0 ? random.nextInt(capacity + 10) : random.nextInt(40);
        cache.add(p, p * 3, payload(p, length));
        long cost = H + length;
        if (cost > capacity) {
          model.clear();
          bytes = 0;
        } else {
          while (!model.isEmpty() && bytes + cost > capacity) bytes -= model.removeFirst()[1];
          model.addLast(new long[] {p, cost});
          bytes += cost;
        }
        assertEquals(model.size(), cache.size(), "capacity " + capacity + " at " + p);
        assertEquals(bytes, cache.bytes());
        if (model.isEmpty()) continue;
        long oldest = model.getFirst()[0];
        assertFalse(cache.covers(oldest - 1));
        long from = oldest + random.nextInt(model.size());
        int max = 1 + random.nextInt(model.size());
        List<LogRecord> rs = cache.read(0, from, max);
        List<long[]> expected = new ArrayList<>();
        for (long[] m : model) if (m[0] >= from && expected.size() < rs.size()) expected.add(m);
        assertEquals(Math.min(max, model.size() - (from - oldest)), rs.size());
        assertEquals(expected.size(), rs.size());
        for (int i = 0; i < rs.size(); i++) {
          LogRecord r = rs.get(i);
          long[] m = expected.get(i);
          assertEquals(m[0], r.position());
          assertEquals(m[0] * 3, r.timestampMillis());
          assertArrayEquals(payload(m[0], (int) (m[1] - H)), r.payload(), "payload of " + m[0]);
        }
      }
    }
  }
}
