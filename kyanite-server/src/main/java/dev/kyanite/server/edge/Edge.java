package dev.kyanite.server.edge;

import dev.kyanite.server.ServerContext;
import dev.kyanite.server.ServerKeys;
import io.vertx.ext.web.Router;

/**
 * Installs the cross-cutting edge handlers around the feature routes: request ids and the access
 * log in front of everything; problem+json for 404, 405 and every failure behind.
 */
public final class Edge {
  private Edge() {}

  /** Handlers every request passes before any feature route. */
  public static void installBefore(Router router, ServerContext ctx) {
    // one route, not three: every route costs each request a router iteration
    RequestIds ids = new RequestIds();
    AccessLog access = new AccessLog(ctx.config().get(ServerKeys.ACCESS_LOG), ctx.metrics());
    RequestSanity sanity = new RequestSanity();
    router.route().handler(rc -> {
      ids.apply(rc);
      access.apply(rc);
      if (sanity.apply(rc)) rc.next();
    });
  }

  /** The failure handler and the error pages (404, 405, …) as problems. */
  public static void installAfter(Router router, ServerContext ctx) {
    FailureHandler failures = new FailureHandler(ctx.maxBodyBytes(), path -> AllowedMethods.of(router, path));
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 406, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
  }
}
