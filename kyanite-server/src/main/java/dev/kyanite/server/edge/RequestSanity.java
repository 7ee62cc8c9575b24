package dev.kyanite.server.edge;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Refuses, before any route sees them, requests that Vert.x Web would otherwise fail on with an
 * exception (a {@code 500}): a path or query with a broken percent-encoding ({@code %ZZ}, a
 * trailing {@code %}) gets {@code 400}. Found by the reliability fuzzer. (Form and multipart
 * bodies, whose decoder throws on a bad boundary, are refused by {@link #formSafe} in front of the
 * body handler, the only place that decodes them: a request elsewhere gets its route's own answer,
 * such as {@code 401} without a key.)
 */
public final class RequestSanity {
  /** False (and the problem sent) when the request is refused. */
  boolean apply(RoutingContext rc) {
    String path = rc.request().path();
    String query = rc.request().query();
    if (path == null || !validEscapes(path) || (query != null && !validEscapes(query))) {
      Problems.send(rc, Problems.badRequest("the request URI has an invalid percent-encoding"));
      return false;
    }
    return true;
  }

  /**
   * {@code bodyHandler} preceded by a {@code 415} for form and multipart bodies: Vert.x Web's body
   * handler decodes those itself and throws on a bad boundary; no route takes them.
   */
  public static Handler<RoutingContext> formSafe(Handler<RoutingContext> bodyHandler) {
    return rc -> {
      String ct = rc.request().getHeader("Content-Type");
      if (ct != null) {
        String l = ct.trim().toLowerCase(Locale.ROOT);
        if (l.startsWith("multipart/") || l.startsWith("application/x-www-form-urlencoded")) {
          Problems.send(rc, Problems.unsupportedMediaType(ct, List.of("application/json")));
          return;
        }
      }
      bodyHandler.handle(rc);
    };
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
