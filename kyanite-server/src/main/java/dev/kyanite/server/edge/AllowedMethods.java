package dev.kyanite.server.edge;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods a router's routes take for one path: the {@code Allow} header that RFC 9110
 * (§15.5.6) requires on a {@code 405}. Only 405s ask, so a scan of the routes is cheap enough.
 * Paths are matched segment by segment; {@code :name} matches one non-empty segment and a trailing
 * {@code *} the rest. Routes without a path or without methods (the edge's own handlers) say
 * nothing about methods and are skipped.
 */
final class AllowedMethods {
  private AllowedMethods() {}

  /** Comma-separated, sorted; empty when no route names this path. */
  static String of(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      // a path with :params reports isRegexPath() but keeps its text in getPath(); pure regex routes have none
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) continue;
      if (matches(r.getPath(), path)) r.methods().forEach(m -> methods.add(m.name()));
    }
    return String.join(", ", methods);
  }

  static boolean matches(String pattern, String path) {
    String[] want = pattern.split("/", -1);
    String[] got = path.split("/", -1);
    boolean rest = pattern.endsWith("*");
    if (rest ? got.length < want.length - 1 : got.length != want.length) return false;
    for (int i = 0; i < want.length; i++) {
      if (rest && i == want.length - 1) return true;
      if (want[i].startsWith(":") ? got[i].isEmpty() : !want[i].equals(got[i])) return false;
    }
    return true;
  }
}
