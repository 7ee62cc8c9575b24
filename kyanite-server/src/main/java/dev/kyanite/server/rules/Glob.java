package dev.kyanite.server.rules;

/**
 * An event-type glob: {@code *} matches any run of characters (dots included), everything else
 * matches itself. {@code order.*} matches {@code order.created} and {@code order.item.added};
 * {@code *} matches every type. Immutable.
 */
record Glob(String pattern) {

  boolean matches(String text) {
    if (pattern.indexOf('*') < 0) return pattern.equals(text);
    return match(pattern, text);
  }

  /** Linear-time wildcard match with backtracking to the last star only. */
  static boolean match(String p, String t) {
    int pi = 0, ti = 0, star = -1, mark = 0;
    while (ti < t.length()) {
      if (pi < p.length() && p.charAt(pi) != '*' && p.charAt(pi) == t.charAt(ti)) {
        pi++;
        ti++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = ti;
      } else if (star >= 0) {
        pi = star + 1;
        ti = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') pi++;
    return pi == p.length();
  }
}
