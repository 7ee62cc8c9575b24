package dev.kyanite.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the human spellings of config values (durations, sizes, booleans, lists). */
final class ConfigValues {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?");

  private ConfigValues() {}

  static Boolean bool(Object raw) {
    if (raw instanceof Boolean b) return b;
    return switch (raw.toString().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  static Duration duration(Object raw) {
    if (raw instanceof Number n) return Duration.ofMillis(n.longValue());
    String s = raw.toString().trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) return Duration.parse(s.toUpperCase(Locale.ROOT));
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("use e.g. 250ms, 30s, 5m, 2h, 1d");
    }
  }

  static Long bytes(Object raw) {
    if (raw instanceof Number n) return n.longValue();
    Matcher m = SIZE.matcher(raw.toString().trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException("use e.g. 1048576, 512KiB, 1MiB, 2GiB");
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    if (unit.equals("b")) return n;
    long base = unit.contains("i") ? 1024 : 1000;
    int power = "kmgt".indexOf(unit.charAt(0)) + 1;
    long mult = 1;
    for (int i = 0; i < power; i++) mult = Math.multiplyExact(mult, base);
    return Math.multiplyExact(n, mult);
  }

  static List<String> list(Object raw) {
    List<String> out = new ArrayList<>();
    if (raw instanceof List<?> l) {
      for (Object o : l) out.add(String.valueOf(o).trim());
    } else {
      for (String s : raw.toString().split(",")) {
        if (!s.isBlank()) out.add(s.trim());
      }
    }
    return List.copyOf(out);
  }
}
