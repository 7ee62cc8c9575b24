package dev.kyanite.server.ops;

import dev.kyanite.server.Feature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds {@code /openapi.json}: the base document ({@code openapi/base.json}: info, the operations
 * routes, shared components such as {@code Problem}) with every feature's fragment merged in
 * ({@link Feature#openApiResource()}: its {@code paths} and {@code components}).
 */
final class OpenApi {
  static final String BASE = "openapi/base.json";

  private OpenApi() {}

  static JsonObject build(List<Feature> features) {
    JsonObject doc = load(BASE);
    for (Feature f : features) {
      String res = f.openApiResource();
      if (res == null || res.equals(BASE)) continue;
      merge(doc, load(res), res);
    }
    return doc;
  }

  private static void merge(JsonObject doc, JsonObject fragment, String res) {
    JsonObject paths = doc.getJsonObject("paths");
    JsonObject fp = fragment.getJsonObject("paths", new JsonObject());
    for (String p : fp.fieldNames()) {
      JsonObject existing = paths.getJsonObject(p);
      if (existing == null) {
        paths.put(p, fp.getJsonObject(p));
      } else {
        // two features may serve different methods on one path
        fp.getJsonObject(p).forEach(e -> {
          if (existing.containsKey(e.getKey())) throw new IllegalStateException(res + " redefines " + e.getKey() + " " + p);
          existing.put(e.getKey(), e.getValue());
        });
      }
    }
    JsonObject fc = fragment.getJsonObject("components");
    if (fc == null) return;
    JsonObject comps = doc.getJsonObject("components");
    for (String section : fc.fieldNames()) {
      JsonObject target = comps.getJsonObject(section);
      if (target == null) {
        comps.put(section, target = new JsonObject());
      }
      target.mergeIn(fc.getJsonObject(section));
    }
  }

  static JsonObject load(String resource) {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("OpenAPI resource " + resource + " not found");
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
