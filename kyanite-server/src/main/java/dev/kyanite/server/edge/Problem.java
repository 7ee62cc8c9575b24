package dev.kyanite.server.edge;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: {@code type} ({@code https://kyanite.dev/problems/<slug>}, one per failure
 * class, stable), {@code title} (stable per type), {@code status}, {@code detail} (this occurrence)
 * and extension members such as {@code errors: [{pointer, keyword, message}]}. {@code instance} is
 * filled in with the request path when sent. Immutable; the {@code with…} methods return copies.
 *
 * @param slug last segment of the type URI, e.g. {@code payload-too-large}
 * @param headers extra response headers (e.g. {@code Retry-After}); may be empty
 */
public record Problem(int status, String slug, String title, String detail, Map<String, Object> extensions,
    Map<String, String> headers) {

  public static final String TYPE_PREFIX = "https://kyanite.dev/problems/";
  public static final String CONTENT_TYPE = "application/problem+json";

  public static Problem of(int status, String slug, String title) {
    return new Problem(status, slug, title, null, Map.of(), Map.of());
  }

  public Problem detail(String newDetail) {
    return new Problem(status, slug, title, newDetail, extensions, headers);
  }

  /** Adds an extension member (any value Vert.x/Jackson can encode). */
  public Problem with(String member, Object value) {
    Map<String, Object> ext = new LinkedHashMap<>(extensions);
    ext.put(member, value);
    return new Problem(status, slug, title, detail, ext, headers);
  }

  public Problem header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Problem(status, slug, title, detail, extensions, h);
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  /** The JSON body; {@code instance} may be null. */
  public JsonObject toJson(String instance) {
    JsonObject o = new JsonObject().put("type", type()).put("title", title).put("status", status);
    if (detail != null) o.put("detail", detail);
    if (instance != null) o.put("instance", instance);
    extensions.forEach(o::put);
    return o;
  }
}
