package dev.kyanite.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

  @Test
  void revocationByAnotherNodeAppliesOnceTheCacheEntryExpires() throws Exception {
    try (TestServer s = TestServer.start(Map.of("auth.cache-ttl", "300ms"))) {
      JsonObject k = new JsonObject(s.postJson("/v1/keys", s.adminKey(), "{\"name\":\"n\",\"scopes\":[\"admin\"]}").body());
      String secret = k.getString("secret");
      assertThat(s.get("/v1/keys", secret).statusCode()).isEqualTo(200);
      // another node revokes through the shared store: this node's cache does not know yet
      s.context().store().keys().revoke(k.getString("id"), Instant.now());
      Thread.sleep(400);
      int first = s.get("/v1/keys", secret).statusCode();
      int second = s.get("/v1/keys", secret).statusCode();
      // the first request after expiry re-verifies (refused); at most that one could race ahead
      assertThat(first).isEqualTo(401);
      assertThat(second).isEqualTo(401);
    }
  }

  @Test
  void expiredEntryOfAValidKeyIsReverifiedAndKeepsWorking() throws Exception {
    try (TestServer s = TestServer.start(Map.of("auth.cache-ttl", "200ms"))) {
      String secret = new JsonObject(s.postJson("/v1/keys", s.adminKey(), "{\"name\":\"n\",\"scopes\":[\"admin\"]}").body())
          .getString("secret");
      for (int i = 0; i < 3; i++) {
        assertThat(s.get("/v1/keys", secret).statusCode()).isEqualTo(200);
        Thread.sleep(250);
      }
    }
  }
}
