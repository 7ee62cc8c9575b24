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

  /** Adds one record, pending. */
  private static void stage(TailCache cache, long position, long timestamp, byte[] payload) {
    cache.add(position, timestamp, java.nio.ByteBuffer.wrap(payload), 0, payload.length);
  }

  /** Adds one record and publishes it at once. */
  private static void add(TailCache cache, long position, long timestamp, byte[] payload) {
    stage(cache, position, timestamp, payload);
    cache.publish();
  }

  @Test
  void readsBackWhatWasAddedAsFreshCopies() {
    TailCache cache = new TailCache(4096);
    byte[] original = payload(7, 10);
    add(cache, 7, 1_000, original);
    add(cache, 8, 1_001, payload(8, 0));
    add(cache, 9, 1_002, payload(9, 300));
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
    for (long p = 0; p < 10; p++) add(cache, p, p, payload(p, 88));
    assertTrue(cache.covers(0));
    assertEquals(10 * (H + 88), cache.bytes());

    add(cache, 10, 10, payload(10, 88));
    assertFalse(cache.covers(0));
    assertTrue(cache.covers(1));
    assertTrue(cache.covers(10));
    assertFalse(cache.covers(11));
    assertEquals(10, cache.size());

    add(cache, 11, 11, payload(11, 88 + 3 * (H + 88))); // one big record pushes out four
    assertFalse(cache.covers(4));
    assertTrue(cache.covers(5));
    assertEquals(7, cache.size());
    assertArrayEquals(payload(11, 88 + 3 * (H + 88)), cache.read(0, 11, 1).get(0).payload());
  }

  @Test
  void aRecordLargerThanTheRingIsNotCachedAndEmptiesIt() {
    TailCache cache = new TailCache(1000);
    add(cache, 0, 0, payload(0, 100));
    add(cache, 1, 1, payload(1, 1000 - H + 1));
    assertFalse(cache.covers(0));
    assertFalse(cache.covers(1));
    assertEquals(0, cache.size());

    add(cache, 2, 2, payload(2, 1000 - H)); // exactly the ring: cached, alone
    assertTrue(cache.covers(2));
    assertArrayEquals(payload(2, 1000 - H), cache.read(0, 2, 5).get(0).payload());
    add(cache, 3, 3, payload(3, 1));
    assertFalse(cache.covers(2));
    assertArrayEquals(payload(3, 1), cache.read(0, 3, 5).get(0).payload());
  }

  @Test
  void aGapInPositionsStartsOver() {
    TailCache cache = new TailCache(1000);
    add(cache, 0, 0, payload(0, 10));
    add(cache, 5, 5, payload(5, 10));
    assertFalse(cache.covers(0));
    assertTrue(cache.covers(5));
    assertEquals(1, cache.size());
  }

  @Test
  void aZeroByteCacheHoldsNothing() {
    TailCache cache = new TailCache(0);
    add(cache, 0, 0, payload(0, 10));
    assertFalse(cache.covers(0));
  }

  @Test
  void entriesAndReadsWrapAroundTheEndOfTheRing() {
    // 250 bytes, entries of 100: the third entry's payload wraps, later headers straddle the end
    TailCache cache = new TailCache(250);
    for (long p = 0; p < 12; p++) {
      add(cache, p, 1_000 + p, payload(p, 100 - H));
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
        add(cache, p, p * 3, payload(p, length));
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

  @Test
  void withoutDirectMemoryForItsRingTheCacheTurnsItselfOff() {
    TailCache cache = new TailCache(1_000, n -> {
      throw new OutOfMemoryError("Cannot reserve " + n + " bytes of direct buffer memory");
    });
    add(cache, 0, 0, payload(0, 10)); // no error for the writer: the record simply is not cached
    add(cache, 1, 0, payload(1, 10));
    assertFalse(cache.covers(0));
    assertFalse(cache.covers(1));
    assertEquals(0, cache.size());
    assertEquals(0, cache.bytes());
  }

  @Test
  void pendingEntriesAreInvisibleUntilPublishedAndCanBeDropped() {
    TailCache cache = new TailCache(1_000);
    java.nio.ByteBuffer frames = java.nio.ByteBuffer.allocateDirect(64);
    frames.put(10, payload(0, 20)); // a record somewhere inside an encoded run
    cache.add(0, 5, frames, 10, 20);
    assertFalse(cache.covers(0));
    assertEquals(0, cache.size());
    cache.publish();
    assertTrue(cache.covers(0));
    assertArrayEquals(payload(0, 20), cache.read(0, 0, 1).get(0).payload());
    assertEquals(0, frames.position()); // the source's position and limit are untouched
    assertEquals(64, frames.limit());

    add(cache, 1, 6, payload(1, 30));
    stage(cache, 2, 7, payload(2, 40)); // written, not yet forced
    stage(cache, 3, 7, payload(3, 40));
    cache.dropPending(); // the force failed: positions 2 and 3 will be written again
    assertEquals(2, cache.size());
    assertEquals(2 * H + 50, cache.bytes());
    assertFalse(cache.covers(2));
    stage(cache, 2, 8, payload(2, 11)); // the retry, with other bytes
    cache.publish();
    assertArrayEquals(payload(2, 11), cache.read(0, 2, 1).get(0).payload());
    assertEquals(8, cache.read(0, 2, 1).get(0).timestampMillis());
    assertEquals(3, cache.read(0, 0, 10).size());

    stage(cache, 3, 9, payload(3, 5));
    TailCache fresh = new TailCache(1_000);
    stage(fresh, 0, 0, payload(0, 5));
    fresh.dropPending(); // nothing published yet: empty, and the next add starts anywhere
    assertEquals(0, fresh.bytes());
    add(fresh, 42, 0, payload(42, 5));
    assertTrue(fresh.covers(42));
  }

  @Test
  void pendingEntriesMatchAModelOfPublicationsCutBacksAndEvictions() {
    Random random = new Random(7);
    for (int capacity : new int[] {64, 300, 2048}) {
      TailCache cache = new TailCache(capacity);
      ArrayDeque<long[]> held = new ArrayDeque<>(); // {position, cost}, oldest first
      int visible = 0;
      long next = 0;
      java.nio.ByteBuffer src = java.nio.ByteBuffer.allocateDirect(capacity + 64);
      for (int step = 0; step < 20_000; step++) {
        int action = random.nextInt(10);
        if (action < 6) {
          int length = random.nextInt(12) == 0 ? random.nextInt(capacity + 10) : random.nextInt(50);
          int off = random.nextInt(40);
          src.put(off, payload(next, length), 0, Math.min(length, src.capacity() - off));
          if (off + length > src.capacity()) continue; // does not fit this test's source buffer
          cache.add(next, next * 3, src, off, length);
          long cost = H + length;
          if (cost > capacity) {
            held.clear();
            visible = 0;
          } else {
            long bytes = held.stream().mapToLong(m -> m[1]).sum();
            while (!held.isEmpty() && bytes + cost > capacity) {
              bytes -= held.removeFirst()[1];
              if (visible > 0) visible--;
            }
            held.addLast(new long[] {next, cost});
          }
          next++;
        } else if (action < 9) {
          cache.publish();
          visible = held.size();
        } else {
          cache.dropPending();
          while (held.size() > visible) next = held.removeLast()[0];
          if (visible == 0) held.clear();
        }
        assertEquals(visible, cache.size(), "capacity " + capacity + " step " + step);
        if (visible == 0) continue;
        long oldest = held.getFirst()[0];
        assertFalse(cache.covers(oldest - 1));
        assertFalse(cache.covers(oldest + visible));
        List<LogRecord> rs = cache.read(0, oldest, visible);
        assertEquals(visible, rs.size());
        int i = 0;
        for (long[] m : held) {
          if (i == visible) break;
          LogRecord r = rs.get(i++);
          assertEquals(m[0], r.position());
          assertEquals(m[0] * 3, r.timestampMillis());
          assertArrayEquals(payload(m[0], (int) (m[1] - H)), r.payload(), "payload of " + m[0]);
        }
      }
    }
  }
}
