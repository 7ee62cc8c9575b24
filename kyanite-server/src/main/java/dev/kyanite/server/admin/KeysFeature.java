package dev.kyanite.server.admin;

import dev.kyanite.core.store.ApiKey;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.auth.ApiKeySecrets;
import dev.kyanite.server.auth.AuthKeys;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.edge.ContentTypes;
import dev.kyanite.server.edge.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys API (scope {@code admin}): {@code POST /v1/keys} creates a key and shows its secret
 * once, {@code GET /v1/keys} lists keys (never secrets or hashes), {@code GET /v1/keys/{id}},
 * {@code DELETE /v1/keys/{id}} revokes at once. On start, bootstraps the first admin key
 * ({@link AdminBootstrap}).
 */
public final class KeysFeature implements Feature {
  private static final Logger LOG = LoggerFactory.getLogger(KeysFeature.class);

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public String openApiResource() {
    return "openapi/keys.json";
  }

  @Override
  public void mount(Router router, ServerContext ctx) {
    var admin = ctx.auth().require(Scope.ADMIN);
    router.post("/v1/keys").handler(ctx.bodyHandler()).handler(admin).handler(ContentTypes.require("application/json"))
        .handler(rc -> create(rc, ctx));
    router.get("/v1/keys").handler(admin).handler(rc -> ctx.executeBlocking(() -> ctx.store().keys().list())
        .onSuccess(keys -> {
          JsonArray arr = new JsonArray();
          keys.forEach(k -> arr.add(KeyJson.of(k)));
          json(rc, 200, new JsonObject().put("keys", arr));
        }).onFailure(rc::fail));
    router.get("/v1/keys/:id").handler(admin).handler(rc -> ctx.executeBlocking(() -> ctx.store().keys().findById(rc.pathParam("id")))
        .onSuccess(k -> {
          if (k.isEmpty()) {
            Problems.send(rc, Problems.notFound("no key with id " + rc.pathParam("id")));
          } else {
            json(rc, 200, KeyJson.of(k.get()));
          }
        }).onFailure(rc::fail));
    router.delete("/v1/keys/:id").handler(admin).handler(rc -> {
      String id = rc.pathParam("id");
      ctx.executeBlocking(() -> ctx.store().keys().revoke(id, ctx.clock().instant())).onSuccess(revoked -> {
        if (!revoked) {
          Problems.send(rc, Problems.notFound("no active key with id " + id));
          return;
        }
        ctx.auth().invalidate(id);
        LOG.info("revoked API key {}", id);
        rc.response().setStatusCode(204).end();
      }).onFailure(rc::fail);
    });
  }

  private static void create(RoutingContext rc, ServerContext ctx) {
    KeyRequest req;
    try {
      req = KeyRequest.parse(rc.body().buffer());
    } catch (KeyRequest.Invalid e) {
      Problems.send(rc, e.problem());
      return;
    }
    String secret = ApiKeySecrets.newSecret();
    ApiKey key = new ApiKey(ApiKeySecrets.newId(), req.name(), ApiKeySecrets.hash(secret), req.scopes(), req.rateLimit(),
        ctx.clock().instant(), null);
    ctx.executeBlocking(() -> {
      ctx.store().keys().create(key);
      return key;
    }).onSuccess(k -> {
      LOG.info("created API key {} ({}) with scopes {}", k.id(), k.name(), k.scopes());
      rc.response().putHeader("Location", "/v1/keys/" + k.id());
      json(rc, 201, KeyJson.of(k).put("secret", secret));
    }).onFailure(rc::fail);
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  @Override
  public void start(ServerContext ctx) {
    AdminBootstrap.run(ctx.store().keys(), ctx.dataDir(), ctx.config().get(AuthKeys.ADMIN_KEY) != null, ctx.clock());
  }

  /** Scopes as accepted by the API, for error messages. */
  static List<String> scopeNames() {
    List<String> out = new ArrayList<>();
    for (Scope s : Scope.values()) out.add(s.wire());
    return out;
  }
}
