package dev.kyanite.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void formatsExactlyLikeInstantToString() {
    SplittableRandom r = new SplittableRandom(7);
    long[] seconds = {0, 59, 60, 1_764_267_912L, -1, -62_167_219_200L, 253_402_300_799L, 253_402_300_800L, -62_167_219_201L};
    int[] nanos = {0, 1, 999_999_999, 123_000_000, 123_456_000, 123_456_789, 100, 10_000_000, 1_000};
    for (long s : seconds) {
      for (int n : nanos) check(Instant.ofEpochSecond(s, n));
    }
    for (int i = 0; i < 100_000; i++) {
      long s = r.nextLong(-62_167_219_200L, 253_402_300_800L);
      int n = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1_000;
        default -> r.nextInt(1_000_000_000);
      };
      check(Instant.ofEpochSecond(s, n));
      check(Instant.ofEpochSecond(s, n)); // the cached second
    }
  }

  @Test
  void reusesTheSecondAcrossCallsAndSwitchesWhenItChanges() {
    Instant a = Instant.parse("2026-11-27T20:45:12.000001Z");
    check(a);
    check(a.plusMillis(1));
    check(a.plusSeconds(1));
    check(a);
  }

  @Test
  void parsesExactlyLikeInstantParse() {
    for (String s : new String[] {"2026-11-27T20:45:12Z", "2026-11-27T20:45:12.1Z", "2026-11-27T20:45:12.123456789Z",
        "2026-11-27T20:45:12.000001Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z",
        "2026-11-27T20:45:12+01:00"}) {
      assertEquals(parseOrError(s, true), parseOrError(s, false), s);
      assertEquals(parseOrError(s, true), parseOrError(s, false), s); // cached second
    }
    for (String bad : new String[] {"2026-13-27T20:45:12Z", "2026-11-27T20:45:12.Z", "2026-11-27T20:45:12.1234567890Z",
        "2026-11-27T20:45:1xZ", "2026-11-27T20:45:12.12a4Z", "2026-02-30T00:00:00Z", "", "2026-11-27 20:45:12Z"}) {
      assertEquals(parseOrError(bad, true), parseOrError(bad, false), bad);
    }
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(r.nextLong(-62_167_219_200L, 253_402_300_800L), r.nextInt(1_000_000_000));
      assertEquals(t, Timestamps.parse(Timestamps.format(t)));
      assertEquals(t, Timestamps.parse(t.toString()));
    }
  }

  private static String parseOrError(String s, boolean fast) {
    try {
      return (fast ? Timestamps.parse(s) : Instant.parse(s)).toString();
    } catch (java.time.format.DateTimeParseException e) {
      return "error";
    }
  }

  private static void check(Instant t) {
    assertEquals(t.toString(), Timestamps.format(t), () -> "epochSecond=" + t.getEpochSecond() + " nano=" + t.getNano());
  }
}
