package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.server.ChildServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6 (first half), auth: every route the server documents in {@code /openapi.json}, except
 * health, readiness and the OpenAPI document itself, answers {@code 401} without a key, with a
 * malformed key and with a revoked key (at once after the revocation), and {@code 403} with a
 * valid key that lacks the route's scope. The secrets half is {@link SecretsInLogsTest}.
 */
@Order(6)
class AuthTest {
  private static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/openapi.json");

  @TempDir Path dir;

  @Test
  void everyRouteRefusesMissingRevokedAndUnderScopedKeys() throws Exception {
    try (ChildServer server = Suite.server("auth", dir)) {
      server.start();
      Api admin = Api.admin(server);
      String[] reader = admin.createKey("reader", "events:read");
      String[] writer = admin.createKey("writer", "events:write");
      String[] revoked = admin.createKey("revoked", "admin");
      assertThat(admin.withKey(revoked[1]).get("/v1/keys").statusCode()).isEqualTo(200);
      assertThat(admin.send("DELETE", "/v1/keys/" + revoked[0], null, Map.of()).statusCode()).isEqualTo(204);

      List<String[]> routes = routes(admin);
      assertThat(routes.size()).as("documented routes").isGreaterThanOrEqualTo(8);
      List<String> wrong = new ArrayList<>();
      for (String[] route : routes) {
        String method = route[0];
        String path = route[1];
        String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
        check(wrong, route, "no key", new Api(admin.port(), null).send(method, path, body, Map.of()), 401);
        check(wrong, route, "malformed key", admin.withKey("not-a-key").send(method, path, body, Map.of()), 401);
        check(wrong, route, "revoked key", admin.withKey(revoked[1]).send(method, path, body, Map.of()), 401);
        int asReader = admin.withKey(reader[1]).send(method, path, body, Map.of()).statusCode();
        int asWriter = admin.withKey(writer[1]).send(method, path, body, Map.of()).statusCode();
        // a route needs one scope: at least one of the two narrow keys lacks it, and neither is "unknown"
        if (asReader == 401 || asWriter == 401 || (asReader != 403 && asWriter != 403) || asReader >= 500 || asWriter >= 500) {
          wrong.add(method + " " + path + ": events:read key → " + asReader + ", events:write key → " + asWriter);
        }
        if (path.startsWith("/v1/keys") || path.startsWith("/v1/schemas") || path.startsWith("/v1/endpoints")
            || path.startsWith("/v1/rules") || path.startsWith("/v1/deliveries") || path.equals("/metrics")) {
          if (asReader != 403 || asWriter != 403) wrong.add(method + " " + path + " is admin-only but answered " + asReader + "/" + asWriter);
        }
      }
      assertThat(wrong).isEmpty();
      System.out.printf("auth: %d routes refuse missing, malformed, revoked and under-scoped keys%n", routes.size());
    }
  }

  private static void check(List<String> wrong, String[] route, String what, HttpResponse<String> r, int expected) {
    if (r.statusCode() != expected) wrong.add(route[0] + " " + route[1] + " with " + what + " → " + r.statusCode());
    else if (!r.headers().firstValue("Content-Type").orElse("").contains("problem+json")) {
      wrong.add(route[0] + " " + route[1] + " with " + what + ": not a problem+json body");
    }
  }

  /** Every (method, concrete path) in /openapi.json, path parameters filled with a harmless value. */
  static List<String[]> routes(Api api) throws Exception {
    JsonNode doc = Api.json(api.get("/openapi.json"));
    List<String[]> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (OPEN.contains(p.getKey())) continue;
      String path = p.getKey().replaceAll("\\{[^}]+}", "x1");
      for (Iterator<String> ms = p.getValue().fieldNames(); ms.hasNext(); ) {
        String m = ms.next().toUpperCase(Locale.ROOT);
        if (Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(m)) out.add(new String[] {m, path});
      }
    }
    return out;
  }
}
