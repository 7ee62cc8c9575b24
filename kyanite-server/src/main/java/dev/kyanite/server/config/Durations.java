package dev.kyanite.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of the API (retry schedules) and of configuration values: {@code 500ms},
 * {@code 5s}, {@code 5m}, {@code 2h}, {@code 1d}. Configuration also takes a number of
 * milliseconds and ISO-8601 ({@link ConfigValues#duration}).
 */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** Parses; {@link IllegalArgumentException} when malformed. */
  public static Duration parse(String s) {
    Matcher m = FORMAT.matcher(s.trim());
    if (!m.matches()) throw new IllegalArgumentException("'" + s + "' is not a duration like 500ms, 5s, 5m, 2h or 1d");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The shortest exact spelling: {@code 5m} rather than {@code 300s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1_000 == 0) return ms / 1_000 + "s";
    return ms + "ms";
  }
}
