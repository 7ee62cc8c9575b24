package dev.kyanite.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kyanite.server.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Captures every log event (root and access log, all levels) while keys are created, used and revoked. */
class SecretsNeverLoggedTest {

  @Test
  void noSecretReachesTheLogs() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(lc);
    captured.start();
    Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger access = lc.getLogger("kyanite.access");
    var oldLevel = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.TRACE);
    root.addAppender(captured);
    access.addAppender(captured);
    List<String> secrets = new ArrayList<>();
    Path dir = Files.createTempDirectory("kyanite-secrets");
    try {
      // bootstrap admin key (written to a file) and the configured admin key
      try (TestServer boot = TestServer.startRaw(Map.of("data-dir", dir.toString(), "port", 0, "host", "127.0.0.1"))) {
        secrets.add(Files.readString(dir.resolve("admin.key")).trim());
      }
      try (TestServer s = TestServer.start(Map.of("http.access-log", true))) {
        secrets.add(s.adminKey());
        JsonObject k = new JsonObject(s.postJson("/v1/keys", s.adminKey(), "{\"name\":\"n\",\"scopes\":[\"admin\"],\"rate_limit\":1}").body());
        String secret = k.getString("secret");
        secrets.add(secret);
        s.postJson("/v1/events", secret, "{\"type\":\"t.x\",\"data\":{}}");
        s.get("/v1/keys", secret); // rate limited
        s.get("/v1/keys?key=" + "x", "kya_" + "y".repeat(43)); // a wrong key
        s.delete("/v1/keys/" + k.getString("id"), s.adminKey());
        s.get("/v1/keys", secret); // revoked
        s.get("/metrics", secret);
      }
    } finally {
      root.detachAppender(captured);
      access.detachAppender(captured);
      root.setLevel(oldLevel);
    }
    assertThat(captured.list).isNotEmpty();
    assertThat(captured.list).anyMatch(e -> e.getLoggerName().equals("kyanite.access"));
    assertThat(captured.list).anyMatch(e -> e.getFormattedMessage().contains("admin.key"));
    for (ILoggingEvent e : captured.list) {
      String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
      for (String secret : secrets) {
        assertThat(text).as("log line from %s", e.getLoggerName()).doesNotContain(secret).doesNotContain(secret.substring(4, 20));
      }
      assertThat(text).doesNotContain("y".repeat(43));
    }
  }
}
