package dev.kyanite.server.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sends RFC 9457 problems and holds the edge's own problem types. Features define their own types
 * next to their code with {@link Problem#of} and send them with {@link #send}; the slugs below are
 * the shared ones (documented in docs/api.md).
 */
public final class Problems {
  private Problems() {}

  public static Problem badRequest(String detail) {
    return Problem.of(400, "bad-request", "Bad request").detail(detail);
  }

  public static Problem malformedJson(String detail) {
    return Problem.of(400, "malformed-json", "Malformed JSON").detail(detail);
  }

  /**
   * The body of a Vert.x Web request (after the body handler) as a JSON object, or null after
   * sending the problem: {@code 400 malformed-json} when it is empty or not JSON, {@code 400
   * bad-request} when it is JSON but not an object.
   */
  public static JsonNode jsonObjectBody(RoutingContext rc, ObjectReader reader) {
    Buffer b = rc.body().buffer();
    if (b == null || b.length() == 0) {
      send(rc, malformedJson("the request body is empty; send a JSON object"));
      return null;
    }
    JsonNode n;
    try {
      n = reader.readTree(b.getBytes());
    } catch (IOException | RuntimeException e) {
      send(rc, malformedJson(e));
      return null;
    }
    if (n == null || !n.isObject()) {
      send(rc, badRequest("the body must be a JSON object"));
      return null;
    }
    return n;
  }

  /** {@code 400 malformed-json} for a parser failure, worded by {@link #jsonMessage}. */
  public static Problem malformedJson(Throwable parseFailure) {
    return malformedJson(jsonMessage(parseFailure));
  }

  /**
   * What went wrong in a JSON parse, for a client: Jackson's own message without its source
   * excerpt (which would echo the client's bytes back) and without its advice to enable parser
   * features (which is about our code, not the request), plus the byte offset when known.
   */
  public static String jsonMessage(Throwable e) {
    Throwable t = e;
    while (!(t instanceof JsonProcessingException) && t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m;
    if (t instanceof JsonProcessingException jpe) {
      m = jpe.getOriginalMessage();
      if (m != null) m = SOURCE.matcher(JACKSON_HINT.matcher(m).replaceAll("")).replaceAll("[$1]");
      if (m != null && jpe.getLocation() != null) {
        if (jpe.getLocation().getByteOffset() >= 0) m = m + " (at byte " + jpe.getLocation().getByteOffset() + ")";
        else if (jpe.getLocation().getCharOffset() >= 0) m = m + " (at character " + jpe.getLocation().getCharOffset() + ")";
      }
    } else {
      m = e.getMessage();
    }
    return m == null || m.isBlank() ? "malformed JSON" : m;
  }

  /** "[Source: REDACTED (`StreamReadFeature…` disabled); line: 1, column: 1]" inside a message. */
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)\\]");
  private static final Pattern JACKSON_HINT =
      Pattern.compile(":? *\\(?(enable|disable|use) `[A-Za-z.#_]+`[^)\n]*\\)?");

  /**
   * A request body that is valid JSON but not what the endpoint accepts.
   *
   * @param errors {@code [{pointer, keyword, message}]}
   */
  public static Problem invalidRequest(String detail, List<Map<String, Object>> errors) {
    return Problem.of(400, "invalid-request", "Invalid request").detail(detail).with("errors", errors);
  }

  public static Problem unauthorized(String detail) {
    return Problem.of(401, "unauthorized", "Missing or invalid API key").detail(detail)
        .header("WWW-Authenticate", "Bearer realm=\"kyanite\"");
  }

  public static Problem forbidden(String scope) {
    return Problem.of(403, "forbidden", "API key lacks the required scope")
        .detail("this operation needs the '" + scope + "' scope").with("required_scope", scope);
  }

  public static Problem notFound(String detail) {
    return Problem.of(404, "not-found", "Not found").detail(detail);
  }

  public static Problem methodNotAllowed(String method) {
    return Problem.of(405, "method-not-allowed", "Method not allowed")
        .detail(method + " is not allowed on this resource");
  }

  public static Problem payloadTooLarge(long limitBytes) {
    return Problem.of(413, "payload-too-large", "Request body too large")
        .detail("the request body exceeds " + limitBytes + " bytes").with("limit_bytes", limitBytes);
  }

  public static Problem unsupportedMediaType(String got, List<String> expected) {
    return Problem.of(415, "unsupported-media-type", "Unsupported content type")
        .detail("Content-Type " + (got == null ? "(none)" : "'" + got + "'") + " is not accepted; use one of " + expected)
        .with("accepted", expected);
  }

  public static Problem rateLimited(long retryAfterSeconds) {
    return Problem.of(429, "rate-limited", "Rate limit exceeded")
        .detail("the API key's rate limit is exhausted; retry after " + retryAfterSeconds + " s")
        .header("Retry-After", Long.toString(retryAfterSeconds));
  }

  public static Problem internal(String requestId) {
    return Problem.of(500, "internal", "Internal server error")
        .detail("an unexpected error occurred; it was logged with request id " + requestId);
  }

  public static Problem unavailable(String detail, long retryAfterSeconds) {
    return Problem.of(503, "unavailable", "Service unavailable").detail(detail)
        .header("Retry-After", Long.toString(retryAfterSeconds));
  }

  /** Ends the response with the problem (unless the response is already written). */
  public static void send(RoutingContext rc, Problem p) {
    HttpServerResponse res = rc.response();
    if (res.headWritten() || res.ended()) return;
    res.setStatusCode(p.status()).putHeader("Content-Type", Problem.CONTENT_TYPE);
    p.headers().forEach(res::putHeader);
    res.end(p.toJson(rc.request().path()).toBuffer());
  }
}
