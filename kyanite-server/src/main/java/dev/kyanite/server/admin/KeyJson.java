package dev.kyanite.server.admin;

import dev.kyanite.core.store.ApiKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeSet;

/** The API view of a key: never its secret or hash. */
final class KeyJson {
  private KeyJson() {}

  static JsonObject of(ApiKey k) {
    return new JsonObject()
        .put("id", k.id())
        .put("name", k.name())
        .put("scopes", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(k.scopes()))))
        .put("rate_limit", k.rateLimit())
        .put("created_at", k.createdAt().toString())
        .put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString())
        .put("active", k.active());
  }
}
