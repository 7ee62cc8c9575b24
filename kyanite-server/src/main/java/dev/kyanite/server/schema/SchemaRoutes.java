package dev.kyanite.server.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.store.StoredSchema;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.edge.ContentTypes;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The schema registry API (scope {@code admin}): {@code PUT /v1/schemas/{type}} registers a new
 * version (201 for the first, 200 after), {@code GET /v1/schemas/{type}}, {@code GET /v1/schemas},
 * {@code DELETE /v1/schemas/{type}} (204; 409 while other schemas reference it). An invalid schema → 400 {@code invalid-schema} with
 * every error. Store work runs on the blocking executor.
 */
public final class SchemaRoutes {
  static final int MAX_TYPE_LENGTH = 256;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SchemaRoutes() {}

  public static void mount(Router router, ServerContext ctx, SchemaCatalog catalog) {
    router.put("/v1/schemas/:type")
        .handler(ctx.bodyHandler())
        .handler(ctx.auth().require(Scope.ADMIN))
        .handler(ContentTypes.require("application/json", "application/schema+json"))
        .handler(rc -> put(rc, ctx, catalog));
    router.get("/v1/schemas/:type").handler(ctx.auth().require(Scope.ADMIN)).handler(rc -> {
      String type = type(rc);
      if (type == null) return;
      ctx.executeBlocking(() -> catalog.get(type)).onComplete(ar -> {
        if (ar.failed()) {
          rc.fail(ar.cause());
        } else if (ar.result().isEmpty()) {
          Problems.send(rc, notFound(type));
        } else {
          json(rc, 200, describe(ar.result().get(), true));
        }
      });
    });
    router.get("/v1/schemas").handler(ctx.auth().require(Scope.ADMIN)).handler(rc ->
        ctx.executeBlocking(catalog::list).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
            return;
          }
          ObjectNode o = MAPPER.createObjectNode();
          ArrayNode a = o.putArray("schemas");
          for (StoredSchema s : ar.result()) a.add(describe(s, false));
          json(rc, 200, o);
        }));
    router.delete("/v1/schemas/:type").handler(ctx.auth().require(Scope.ADMIN)).handler(rc -> {
      String type = type(rc);
      if (type == null) return;
      ctx.executeBlocking(() -> {
        try {
          return (Object) catalog.delete(type);
        } catch (SchemaCatalog.SchemaInUseException e) {
          return Problem.of(409, "schema-in-use", "Schema referenced by others")
              .detail("the schema of '" + type + "' is referenced ($ref) by the schemas of " + String.join(", ", e.dependents())
                  + "; change or delete those first")
              .with("referenced_by", e.dependents());
        }
      }).onComplete(ar -> {
        if (ar.failed()) rc.fail(ar.cause());
        else if (ar.result() instanceof Problem p) Problems.send(rc, p);
        else if (!(Boolean) ar.result()) Problems.send(rc, notFound(type));
        else rc.response().setStatusCode(204).end();
      });
    });
  }

  private static void put(RoutingContext rc, ServerContext ctx, SchemaCatalog catalog) {
    String type = type(rc);
    if (type == null) return;
    String text = rc.body().asString("UTF-8");
    ctx.executeBlocking(() -> {
      try {
        return catalog.register(type, text == null ? "" : text);
      } catch (SchemaCatalog.InvalidSchemaException e) {
        return e;
      }
    }).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (ar.result() instanceof SchemaCatalog.InvalidSchemaException e) {
        Problems.send(rc, Problem.of(400, "invalid-schema", "Invalid JSON Schema").detail(e.getMessage())
            .with("errors", FieldError.toMaps(e.errors())));
      } else {
        StoredSchema s = (StoredSchema) ar.result();
        rc.response().putHeader("Location", "/v1/schemas/" + s.type());
        json(rc, s.version() == 1 ? 201 : 200, describe(s, true));
      }
    });
  }

  private static String type(RoutingContext rc) {
    String type = rc.pathParam("type");
    if (type == null || type.isEmpty() || type.length() > MAX_TYPE_LENGTH || hasControl(type)) {
      Problems.send(rc, Problems.invalidRequest("the event type in the path must be 1-" + MAX_TYPE_LENGTH
          + " printable characters", List.of(new FieldError("type", "pattern", "invalid event type").toMap())));
      return null;
    }
    return type;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) if (Character.isISOControl(s.charAt(i))) return true;
    return false;
  }

  private static Problem notFound(String type) {
    return Problem.of(404, "schema-not-found", "No schema registered").detail("no schema is registered for type '" + type + "'");
  }

  private static ObjectNode describe(StoredSchema s, boolean withSchema) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", s.type());
    o.put("version", s.version());
    o.put("created_at", s.createdAt().toString());
    if (withSchema) {
      try {
        o.set("schema", MAPPER.readTree(s.schema()));
      } catch (Exception e) {
        o.put("schema", s.schema());
      }
    }
    return o;
  }

  private static void json(RoutingContext rc, int status, ObjectNode body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }
}
