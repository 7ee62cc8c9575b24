package dev.kyanite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.ext.web.Router;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  /** A route that answers only after a delay, to have a request in flight during shutdown. */
  static final class Slow implements Feature {
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public void mount(Router router, ServerContext ctx) {
      router.get("/test/slow").handler(rc -> {
        entered.countDown();
        ctx.vertx().setTimer(700, t -> rc.response().end("done"));
      });
    }
  }

  @Test
  void secondServerOnTheSameDataDirRefusesToStart() {
    try (TestServer first = TestServer.start()) {
      assertThatThrownBy(() -> TestServer.start(Map.of("data-dir", first.dataDir().toString())))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("in use by another Kyanite server")
          .hasMessageContaining(first.dataDir().toAbsolutePath().toString());
      assertThat(first.get("/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void dataDirIsReusableAfterShutdownAndKeysPersist() {
    Path dir;
    String id;
    try (TestServer first = TestServer.start()) {
      dir = first.dataDir();
      id = new io.vertx.core.json.JsonObject(first.postJson("/v1/keys", first.adminKey(),
          "{\"name\":\"p\",\"scopes\":[\"admin\"]}").body()).getString("id");
    }
    try (TestServer again = TestServer.start(Map.of("data-dir", dir.toString()))) {
      assertThat(again.get("/v1/keys/" + id, again.adminKey()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void gracefulShutdownFinishesInFlightRequestsAndStopsAccepting() throws Exception {
    Slow slow = new Slow();
    TestServer s = TestServer.start(Map.of(), slow);
    int port = s.port();
    CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> s.get("/test/slow", null));
    assertThat(slow.entered.await(5, TimeUnit.SECONDS)).isTrue();
    s.close();
    HttpResponse<String> r = inFlight.get(5, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("done");
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void firstStartWithoutConfiguredAdminKeyWritesOneToAPrivateFile() throws Exception {
    Path dir = Files.createTempDirectory("kyanite-boot");
    Map<String, Object> noAdmin = new java.util.HashMap<>(Map.of("data-dir", dir.toString()));
    try (TestServer s = startWithoutAdminKey(dir)) {
      Path file = dir.resolve("admin.key");
      assertThat(file).exists();
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      String secret = Files.readString(file).trim();
      assertThat(secret).matches("kya_[A-Za-z0-9_-]{43}");
      assertThat(s.get("/v1/keys", secret).statusCode()).isEqualTo(200);
    }
    String before = Files.readString(dir.resolve("admin.key"));
    try (TestServer s = startWithoutAdminKey(dir)) {
      assertThat(Files.readString(dir.resolve("admin.key"))).isEqualTo(before);
      assertThat(noAdmin).isNotEmpty();
    }
  }

  static TestServer startWithoutAdminKey(Path dir) {
    // admin.key must be unset: override the test default with an empty data set by using a fresh config
    return TestServer.startRaw(Map.of("data-dir", dir.toString(), "port", 0, "host", "127.0.0.1", "http.instances", 1));
  }
}
