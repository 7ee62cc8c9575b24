package dev.kyanite.server.edge;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/** Content-type checks that answer {@code 415} with an {@code unsupported-media-type} problem. */
public final class ContentTypes {
  private ContentTypes() {}

  /**
   * A handler that lets a request through only if its {@code Content-Type} media type (parameters
   * such as {@code charset} ignored) is one of {@code accepted}.
   */
  public static Handler<RoutingContext> require(String... accepted) {
    List<String> list = List.of(accepted);
    return rc -> {
      String ct = rc.request().getHeader("Content-Type");
      if (matches(ct, list)) {
        rc.next();
      } else {
        Problems.send(rc, Problems.unsupportedMediaType(ct, list));
      }
    };
  }

  /** Whether the header's media type is one of {@code accepted} (case-insensitive). */
  public static boolean matches(String contentType, List<String> accepted) {
    if (contentType == null) return false;
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return accepted.contains(media);
  }
}
