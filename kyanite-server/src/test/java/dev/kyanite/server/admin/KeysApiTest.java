package dev.kyanite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import dev.kyanite.server.auth.ApiKeySecrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeysApiTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject create(String body) {
    HttpResponse<String> r = server.postJson("/v1/keys", server.adminKey(), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  @Test
  void createdKeyShowsItsSecretOnceAndStoresOnlyAHash() {
    HttpResponse<String> r = server.postJson("/v1/keys", server.adminKey(),
        "{\"name\":\"shop\",\"scopes\":[\"events:write\",\"events:read\"],\"rate_limit\":50}");
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject k = new JsonObject(r.body());
    assertThat(k.getString("secret")).matches("kya_[A-Za-z0-9_-]{43}");
    assertThat(k.getString("id")).startsWith("key_");
    assertThat(r.headers().firstValue("Location")).hasValue("/v1/keys/" + k.getString("id"));
    assertThat(k.getJsonArray("scopes").getList()).containsExactly("events:read", "events:write");
    assertThat(k.getDouble("rate_limit")).isEqualTo(50.0);
    assertThat(k.getBoolean("active")).isTrue();

    HttpResponse<String> one = server.get("/v1/keys/" + k.getString("id"), server.adminKey());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).doesNotContain(k.getString("secret")).doesNotContain("secret").doesNotContain("hash");
    var stored = server.context().store().keys().findById(k.getString("id")).orElseThrow();
    assertThat(stored.hash()).isEqualTo(ApiKeySecrets.hash(k.getString("secret")));
  }

  @Test
  void listShowsKeysWithoutSecrets() {
    JsonObject k = create("{\"name\":\"lister\",\"scopes\":[\"events:read\"]}");
    HttpResponse<String> r = server.get("/v1/keys", server.adminKey());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray keys = new JsonObject(r.body()).getJsonArray("keys");
    assertThat(keys.stream().map(o -> ((JsonObject) o).getString("id"))).contains(k.getString("id"));
    assertThat(r.body()).doesNotContain(k.getString("secret")).doesNotContain("\"secret\"");
  }

  @Test
  void newKeyWorksAndRevokedKeyIsRefusedOnTheVeryNextRequest() {
    JsonObject k = create("{\"name\":\"temp\",\"scopes\":[\"admin\"]}");
    String secret = k.getString("secret");
    assertThat(server.get("/v1/keys", secret).statusCode()).isEqualTo(200);
    assertThat(server.get("/v1/keys", secret).statusCode()).isEqualTo(200); // now cached
    assertThat(server.delete("/v1/keys/" + k.getString("id"), server.adminKey()).statusCode()).isEqualTo(204);
    HttpResponse<String> after = server.get("/v1/keys", secret);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
    assertThat(server.delete("/v1/keys/" + k.getString("id"), server.adminKey()).statusCode()).isEqualTo(404);
    JsonObject listed = new JsonObject(server.get("/v1/keys/" + k.getString("id"), server.adminKey()).body());
    assertThat(listed.getBoolean("active")).isFalse();
    assertThat(listed.getString("revoked_at")).isNotNull();
  }

  @Test
  void keyCanRevokeItselfAndIsRefusedAfterwards() {
    JsonObject k = create("{\"name\":\"self\",\"scopes\":[\"admin\"]}");
    assertThat(server.delete("/v1/keys/" + k.getString("id"), k.getString("secret")).statusCode()).isEqualTo(204);
    assertThat(server.get("/v1/keys", k.getString("secret")).statusCode()).isEqualTo(401);
  }

  @Test
  void missingScopeIsForbidden() {
    JsonObject k = create("{\"name\":\"writer\",\"scopes\":[\"events:write\"]}");
    HttpResponse<String> r = server.get("/v1/keys", k.getString("secret"));
    assertThat(r.statusCode()).isEqualTo(403);
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("https://kyanite.dev/problems/forbidden");
    assertThat(p.getString("required_scope")).isEqualTo("admin");
  }

  @Test
  void missingOrWrongKeyIsUnauthorizedWithChallenge() {
    for (String key : new String[] {null, "kya_wrongwrongwrongwrongwrongwrongwrongwrong12", "short"}) {
      HttpResponse<String> r = server.get("/v1/keys", key);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
      assertThat(new JsonObject(r.body()).getString("type")).isEqualTo("https://kyanite.dev/problems/unauthorized");
    }
  }

  @Test
  void invalidRequestsGetPointedErrors() {
    HttpResponse<String> r = server.postJson("/v1/keys", server.adminKey(),
        "{\"scopes\":[\"events:write\",\"root\"],\"rate_limit\":-1,\"extra\":1}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("https://kyanite.dev/problems/invalid-request");
    assertThat(p.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")))
        .containsExactlyInAnyOrder("/name", "/scopes/1", "/rate_limit", "/extra");
  }

  @Test
  void aNameWithControlCharactersIsRefusedSoItCannotForgeLogLines() {
    for (String name : new String[] {"a\\nb", "a\\u0000b", "tab\\tbed", "a\\u2028b"}) {
      HttpResponse<String> r = server.postJson("/v1/keys", server.adminKey(),
          "{\"name\":\"" + name + "\",\"scopes\":[\"events:read\"]}");
      assertThat(r.statusCode()).as(name).isEqualTo(400);
      JsonObject err = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0);
      assertThat(err.getString("pointer")).isEqualTo("/name");
      assertThat(err.getString("keyword")).isEqualTo("pattern");
    }
    assertThat(server.postJson("/v1/keys", server.adminKey(), "{\"name\":\"shop é 2\",\"scopes\":[\"events:read\"]}")
        .statusCode()).isEqualTo(201);
  }

  @Test
  void malformedJsonIsBadRequest() {
    HttpResponse<String> r = server.postJson("/v1/keys", server.adminKey(), "{nope");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("type")).isEqualTo("https://kyanite.dev/problems/malformed-json");
    assertThat(server.postJson("/v1/keys", server.adminKey(), "[1]").statusCode()).isEqualTo(400);
  }

  @Test
  void rateLimitedKeyGetsHeadersAndThen429WithRetryAfter() {
    JsonObject k = create("{\"name\":\"slow\",\"scopes\":[\"admin\"],\"rate_limit\":0.5}");
    HttpResponse<String> ok = server.get("/v1/keys", k.getString("secret"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("RateLimit-Limit")).hasValue("1");
    assertThat(ok.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(Long.parseLong(ok.headers().firstValue("RateLimit-Reset").orElseThrow())).isBetween(1L, 2L);
    HttpResponse<String> limited = server.get("/v1/keys", k.getString("secret"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 2L);
    assertThat(limited.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(new JsonObject(limited.body()).getString("type")).isEqualTo("https://kyanite.dev/problems/rate-limited");
  }

  @Test
  void unlimitedKeysCarryNoRateLimitHeaders() {
    assertThat(server.get("/v1/keys", server.adminKey()).headers().firstValue("RateLimit-Limit")).isEmpty();
  }

  @Test
  void unknownKeyIdIsNotFound() {
    assertThat(server.delete("/v1/keys/key_nope", server.adminKey()).statusCode()).isEqualTo(404);
    assertThat(server.get("/v1/keys/key_nope", server.adminKey()).statusCode()).isEqualTo(404);
  }
}
