package dev.kyanite.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every status code the edge produces, as problem+json, on a real server. */
class EdgeTest {
  static TestServer server;

  /** Test-only routes: one that throws, one that echoes a JSON body. */
  static final class Probe implements Feature {
    @Override
    public String name() {
      return "probe";
    }

    @Override
    public void mount(Router router, ServerContext ctx) {
      router.get("/test/boom").handler(rc -> {
        throw new IllegalStateException("secret internal detail");
      });
      router.post("/test/echo").handler(ctx.bodyHandler()).handler(ContentTypes.require("application/json"))
          .handler(rc -> rc.response().putHeader("Content-Type", "application/json").end(rc.body().buffer()));
    }
  }

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("http.max-body-size", "1KiB"), new Probe());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject problem(HttpResponse<String> r, int status, String slug) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("https://kyanite.dev/problems/" + slug);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(p.getString("instance")).isEqualTo(r.uri().getPath());
    return p;
  }

  @Test
  void unknownPathIsNotFoundProblem() {
    problem(server.get("/nope", null), 404, "not-found");
  }

  @Test
  void wrongMethodIsMethodNotAllowedProblemWithTheAllowedMethods() {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/healthz")).PUT(HttpRequest.BodyPublishers.noBody()), null);
    problem(r, 405, "method-not-allowed");
    assertThat(r.headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void allowedMethodsMatchPathParametersAndTrailingWildcards() {
    assertThat(AllowedMethods.matches("/v1/events/:id", "/v1/events/evt_1")).isTrue();
    assertThat(AllowedMethods.matches("/v1/events/:id", "/v1/events/")).isFalse();
    assertThat(AllowedMethods.matches("/v1/events/:id", "/v1/events/a/b")).isFalse();
    assertThat(AllowedMethods.matches("/v1/events", "/v1/events")).isTrue();
    assertThat(AllowedMethods.matches("/static/*", "/static/a/b")).isTrue();
    assertThat(AllowedMethods.matches("/static/*", "/other/a")).isFalse();
  }

  @Test
  void oversizedBodyIsPayloadTooLarge() {
    JsonObject p = problem(server.postJson("/test/echo", null, "{\"a\":\"" + "x".repeat(2000) + "\"}"), 413, "payload-too-large");
    assertThat(p.getLong("limit_bytes")).isEqualTo(1024);
  }

  @Test
  void bodyWithinLimitPasses() {
    HttpResponse<String> r = server.postJson("/test/echo", null, "{\"a\":1}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"a\":1}");
  }

  @Test
  void wrongContentTypeIsUnsupportedMediaType() {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/test/echo")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hi")), null);
    JsonObject p = problem(r, 415, "unsupported-media-type");
    assertThat(p.getJsonArray("accepted").getList()).containsExactly("application/json");
  }

  @Test
  void contentTypeParametersAreIgnored() {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/test/echo"))
        .header("Content-Type", "Application/JSON; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString("{}")), null);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void unexpectedErrorIsInternalProblemWithoutDetails() {
    HttpResponse<String> r = server.get("/test/boom", null);
    JsonObject p = problem(r, 500, "internal");
    assertThat(r.body()).doesNotContain("secret internal detail", "IllegalStateException", "at dev.");
    assertThat(p.getString("detail")).contains(r.headers().firstValue("X-Request-Id").orElseThrow());
  }

  @Test
  void saneRequestIdIsEchoed() {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/healthz")).header("X-Request-Id", "abc-123.X:y_z"), null);
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("abc-123.X:y_z");
  }

  @Test
  void missingOrInsaneRequestIdIsReplacedByGeneratedOne() {
    assertThat(server.get("/healthz", null).headers().firstValue("X-Request-Id").orElseThrow()).matches("req_[0-9a-f]{16}");
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/healthz")).header("X-Request-Id", "bad id<script>"), null);
    assertThat(r.headers().firstValue("X-Request-Id").orElseThrow()).matches("req_[0-9a-f]{16}");
    HttpResponse<String> longId = server.send(HttpRequest.newBuilder(server.uri("/healthz")).header("X-Request-Id", "a".repeat(129)), null);
    assertThat(longId.headers().firstValue("X-Request-Id").orElseThrow()).startsWith("req_");
  }

  @Test
  void errorsCarryRequestIdToo() {
    assertThat(server.get("/nope", null).headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void healthzIsAlive() {
    HttpResponse<String> r = server.get("/healthz", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("ok");
  }
}
