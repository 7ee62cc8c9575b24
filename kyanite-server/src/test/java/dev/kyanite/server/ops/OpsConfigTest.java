package dev.kyanite.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsConfigTest {
  @Test
  void notReadyWhenDiskIsBelowTheFloorAndMetricsCanBePublic() {
    try (TestServer s = TestServer.start(Map.of("readiness.min-free-disk", "1000000TiB", "metrics.public", true))) {
      HttpResponse<String> r = s.get("/readyz", null);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      JsonObject p = new JsonObject(r.body());
      assertThat(p.getString("type")).isEqualTo("https://kyanite.dev/problems/not-ready");
      assertThat(p.getJsonObject("checks").getJsonObject("disk").getBoolean("ok")).isFalse();
      assertThat(p.getJsonObject("checks").getJsonObject("store").getBoolean("ok")).isTrue();
      assertThat(s.get("/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void notReadyWhenTheLogIsClosed() {
    try (TestServer s = TestServer.start(Map.of())) {
      s.context().eventLog().close();
      HttpResponse<String> r = s.get("/readyz", null);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getJsonObject("checks").getJsonObject("log").getBoolean("ok")).isFalse();
    }
  }
}
