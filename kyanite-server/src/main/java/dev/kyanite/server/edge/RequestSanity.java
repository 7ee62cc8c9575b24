package dev.kyanite.server.edge;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Refuses, before any route sees them, requests that Vert.x Web would otherwise fail on with an
 * exception (a {@code 500}): a path or query with a broken percent-encoding ({@code %ZZ}, a
 * trailing {@code %}) gets {@code 400}, and form or multipart bodies, which no route accepts and
 * whose decoder throws on a bad boundary, get {@code 415}. Found by the reliability fuzzer.
 */
final class RequestSanity {
  /** False (and the problem sent) when the request is refused. */
  boolean apply(RoutingContext rc) {
    String path = rc.request().path();
    String query = rc.request().query();
    if (path == null || !validEscapes(path) || (query != null && !validEscapes(query))) {
      Problems.send(rc, Problems.badRequest("the request URI has an invalid percent-encoding"));
      return false;
    }
    String ct = rc.request().getHeader("Content-Type");
    if (ct != null) {
      String l = ct.trim().toLowerCase(Locale.ROOT);
      if (l.startsWith("multipart/") || l.startsWith("application/x-www-form-urlencoded")) {
        Problems.send(rc, Problems.unsupportedMediaType(ct, List.of("application/json")));
        return false;
      }
    }
    return true;
  }

  /** Every {@code %} is followed by two hex digits. */
  static boolean validEscapes(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
