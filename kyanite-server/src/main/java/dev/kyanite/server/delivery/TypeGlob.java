package dev.kyanite.server.delivery;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An endpoint's event type filter: a list of globs where {@code *} matches any run of characters
 * (dots included), so {@code order.*} matches {@code order.created} and {@code order.item.added},
 * and {@code *} matches every type. Anything else matches literally. Immutable, thread-safe.
 */
public final class TypeGlob {
  private final List<Pattern> patterns;
  private final boolean matchesAll;

  private TypeGlob(List<Pattern> patterns, boolean matchesAll) {
    this.patterns = patterns;
    this.matchesAll = matchesAll;
  }

  public static TypeGlob of(List<String> globs) {
    boolean all = globs.stream().anyMatch("*"::equals);
    return new TypeGlob(globs.stream().map(TypeGlob::compile).toList(), all);
  }

  /** Whether a glob is well-formed: non-empty, letters, digits, {@code . _ - : /} and {@code *}. */
  public static boolean valid(String glob) {
    return glob != null && glob.matches("[A-Za-z0-9._:/*-]{1,200}");
  }

  public boolean matches(String type) {
    if (matchesAll) return true;
    for (Pattern p : patterns) if (p.matcher(type).matches()) return true;
    return false;
  }

  private static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    String[] parts = glob.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) re.append(".*");
      if (!parts[i].isEmpty()) re.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(re.toString());
  }
}
