package dev.kyanite.server.edge;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is sane (1–128 characters
 * of {@code [A-Za-z0-9._:-]}), otherwise a generated one. The id is echoed in the response header,
 * stored in the routing context ({@link #get}) and written in access and error log lines. (It is
 * not put in the SLF4J MDC: on an event loop many requests interleave on one thread, so the MDC
 * would name the wrong request.)
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String CTX_KEY = "kyanite.requestId";

  /** Tags the request and its response with an id (the client's, when sane). */
  void apply(RoutingContext rc) {
    String id = rc.request().getHeader(HEADER);
    if (!sane(id)) id = generate();
    rc.put(CTX_KEY, id);
    rc.response().putHeader(HEADER, id);
  }

  /** The request's id ({@code "-"} if the handler did not run). */
  public static String get(RoutingContext rc) {
    String id = rc.get(CTX_KEY);
    return id == null ? "-" : id;
  }

  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > 128) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  static String generate() {
    // 64 random bits are plenty to correlate log lines; ThreadLocalRandom avoids contention.
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return "req_" + "0".repeat(16 - hex.length()) + hex;
  }
}
