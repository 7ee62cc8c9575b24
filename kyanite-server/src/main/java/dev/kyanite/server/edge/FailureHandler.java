package dev.kyanite.server.edge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a problem+json response. A {@link ProblemException} is rendered as is;
 * a bare status (404, 405, 413, 415 from Vert.x Web) becomes the matching edge problem; anything
 * unexpected becomes a 500 {@code internal} problem, logged with its stack trace and request id
 * but never shown to the client.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private final long maxBodyBytes;
  /** The {@code Allow} header's value for a path (see {@link AllowedMethods}). */
  private final java.util.function.Function<String, String> allowed;

  public FailureHandler(long maxBodyBytes, java.util.function.Function<String, String> allowed) {
    this.maxBodyBytes = maxBodyBytes;
    this.allowed = allowed;
  }

  @Override
  public void handle(RoutingContext rc) {
    Problems.send(rc, toProblem(rc));
  }

  Problem toProblem(RoutingContext rc) {
    Throwable t = rc.failure();
    if (t instanceof ProblemException pe) return pe.problem();
    if (t instanceof DecodeException de) return Problems.malformedJson(de);
    int status = rc.statusCode();
    if (t instanceof HttpException he) status = he.getStatusCode();
    switch (status) {
      case 400: return Problems.badRequest(t == null || t.getMessage() == null ? "bad request" : t.getMessage());
      case 401: return Problems.unauthorized("missing or invalid API key");
      case 404: return Problems.notFound("no resource at " + rc.request().path());
      case 405: {
        Problem p = Problems.methodNotAllowed(String.valueOf(rc.request().method()));
        String allow = allowed.apply(rc.normalizedPath()); // what the router matched on
        return allow.isEmpty() ? p : p.header("Allow", allow);
      }
      case 413: return Problems.payloadTooLarge(maxBodyBytes);
      case 415: return Problems.unsupportedMediaType(rc.request().getHeader("Content-Type"), java.util.List.of("application/json"));
      default:
        if (status >= 400 && status < 500 && t == null) {
          return Problem.of(status, "http-" + status, "Client error").detail("request failed with status " + status);
        }
        String rid = RequestIds.get(rc);
        HttpMethod m = rc.request().method();
        LOG.error("unexpected failure handling {} {} rid={}", m, rc.request().path(), rid, t);
        return Problems.internal(rid);
    }
  }
}
