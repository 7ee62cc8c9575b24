package dev.kyanite.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Properties of the whole route table: documented in OpenAPI, and protected by a key. */
class RoutesTest {
  static final Set<String> PUBLIC = Set.of("GET /healthz", "GET /readyz", "GET /openapi.json");
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** "METHOD /openapi/{style}" for every route with a path and methods. */
  static Set<String> served() {
    Set<String> out = new TreeSet<>();
    for (Route r : server.server().router().getRoutes()) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) continue;
      String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      for (HttpMethod m : r.methods()) out.add(m.name() + " " + path);
    }
    return out;
  }

  static Set<String> documented() {
    JsonObject paths = new JsonObject(server.get("/openapi.json", null).body()).getJsonObject("paths");
    Set<String> out = new TreeSet<>();
    for (String p : paths.fieldNames()) {
      for (String m : paths.getJsonObject(p).fieldNames()) {
        if (!m.equals("parameters") && !m.equals("summary") && !m.equals("description")) out.add(m.toUpperCase() + " " + p);
      }
    }
    return out;
  }

  @Test
  void openApiDocumentsExactlyTheServedRoutes() {
    assertThat(documented()).isEqualTo(served());
  }

  @Test
  void openApiIsVersion31() {
    JsonObject doc = new JsonObject(server.get("/openapi.json", null).body());
    assertThat(doc.getString("openapi")).startsWith("3.1");
  }

  @Test
  void onlyHealthReadinessAndOpenApiAnswerWithoutAKey() {
    for (String route : served()) {
      String[] mp = route.split(" ", 2);
      String path = mp[1].replaceAll("\\{[^}]+}", "x");
      HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
          .method(mp[0], HttpRequest.BodyPublishers.ofString("{}"));
      HttpResponse<String> r = server.send(b, null);
      if (PUBLIC.contains(route)) {
        assertThat(r.statusCode()).as(route).isEqualTo(200);
      } else {
        assertThat(r.statusCode()).as(route).isEqualTo(401);
      }
    }
  }

  @Test
  void readyzReportsEachCheck() {
    HttpResponse<String> r = server.get("/readyz", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject checks = new JsonObject(r.body()).getJsonObject("checks");
    assertThat(checks.fieldNames()).contains("log", "store", "data_dir", "disk");
  }

  @Test
  void metricsNeedAdminAndExposeJvmMetrics() {
    // JVM meters are bound just after start, off the start-up path
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
      HttpResponse<String> r = server.get("/metrics", server.adminKey());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("jvm_memory_used_bytes", "kyanite_http_responses_total", "process_cpu_usage");
    });
  }
}
