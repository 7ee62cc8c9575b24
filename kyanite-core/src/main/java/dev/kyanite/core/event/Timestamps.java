package dev.kyanite.core.event;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()} without its cost on the hot path: the same text (ISO-8601 in UTC,
 * fraction in groups of 3, 6 or 9 digits, none when zero), but the {@code yyyy-MM-ddTHH:mm:ss}
 * part is computed once per second and reused, instead of running a {@code DateTimeFormatter} for
 * every event (measured at about 5% of the ingest event loop). {@link #parse} is the reverse for
 * the log's consumers, where {@code Instant.parse} was a quarter of the indexer's and the
 * workers' CPU. Thread-safe.
 */
public final class Timestamps {
  /** The last second formatted: immutable, replaced as a whole. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");
  /** The last instant formatted, whole: the events of a batch share one receipt time, formatted
   * twice each (log record and answer), so all but the first call of a batch return this text. */
  private record Formatted(long epochSecond, int nano, String text) {}

  private static volatile Formatted lastFormatted = new Formatted(Long.MIN_VALUE, 0, "");
  /** The last second parsed (a different cache: consumers and ingest run on different threads). */
  private static volatile Second lastParsed = new Second(Long.MIN_VALUE, "");

  private Timestamps() {}

  /** Exactly {@code t.toString()}. */
  public static String format(Instant t) {
    long s = t.getEpochSecond();
    // years 0000-9999 only; others keep Instant's own sign and width rules
    if (s < -62_167_219_200L || s > 253_402_300_799L) return t.toString();
    int nano = t.getNano();
    Formatted whole = lastFormatted;
    if (whole.epochSecond == s && whole.nano == nano) return whole.text;
    String text = formatNew(s, nano);
    lastFormatted = new Formatted(s, nano, text);
    return text;
  }

  private static String formatNew(long s, int nano) {
    Second cached = last;
    if (cached.epochSecond != s) {
      cached = new Second(s, LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC).toString().substring(0, 16) + seconds(s));
      last = cached;
    }
    StringBuilder sb = new StringBuilder(30).append(cached.text);
    if (nano > 0) {
      int digits;
      int value;
      if (nano % 1_000_000 == 0) {
        digits = 3;
        value = nano / 1_000_000;
      } else if (nano % 1_000 == 0) {
        digits = 6;
        value = nano / 1_000;
      } else {
        digits = 9;
        value = nano;
      }
      sb.append('.');
      String v = Integer.toString(value);
      for (int i = v.length(); i < digits; i++) sb.append('0');
      sb.append(v);
    }
    return sb.append('Z').toString();
  }

  /**
   * Exactly {@code Instant.parse(text)}: a fast path for the UTC form {@link #format} writes
   * ({@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}); anything else goes to {@code Instant.parse}.
   *
   * @throws java.time.format.DateTimeParseException as {@code Instant.parse} does
   */
  public static Instant parse(CharSequence text) {
    int n = text.length();
    if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(19) != (n == 20 ? 'Z' : '.')) return Instant.parse(text);
    Second cached = lastParsed;
    long second;
    if (cached.text.length() == 19 && regionMatches(text, cached.text)) {
      second = cached.epochSecond;
    } else {
      Instant whole = Instant.parse(text.subSequence(0, 19) + "Z"); // validates the date and time fields
      second = whole.getEpochSecond();
      lastParsed = new Second(second, text.subSequence(0, 19).toString());
    }
    int nano = 0;
    int digits = n - 21;
    if (n > 20) {
      if (digits < 1 || digits > 9) return Instant.parse(text);
      for (int i = 20; i < n - 1; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') return Instant.parse(text);
        nano = nano * 10 + (c - '0');
      }
      for (int i = digits; i < 9; i++) nano *= 10;
    }
    return Instant.ofEpochSecond(second, nano);
  }

  private static boolean regionMatches(CharSequence text, String prefix) {
    for (int i = 18; i >= 0; i--) { // seconds differ first
      if (text.charAt(i) != prefix.charAt(i)) return false;
    }
    return true;
  }

  /** {@code :ss}, always present (LocalDateTime.toString drops zero seconds). */
  private static String seconds(long epochSecond) {
    int sec = (int) Math.floorMod(epochSecond, 60L);
    return sec < 10 ? ":0" + sec : ":" + sec;
  }
}
