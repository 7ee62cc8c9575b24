package dev.kyanite.server;

import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real server on 127.0.0.1 with a free port and a temp data dir, for tests of any feature:
 * {@code try (TestServer s = TestServer.start(Map.of("auth.rate-limit", 5))) { s.get("/healthz", s.adminKey()); }}.
 * Runs {@link Features#all()} plus any extra features. Accepts {@link #ADMIN_KEY} as admin.
 */
public final class TestServer implements AutoCloseable {
  /** The admin secret every test server accepts ({@code admin.key}). */
  public static final String ADMIN_KEY = "kya_test-admin-key-0123456789abcdefghijklmnopqrstu";

  private final KyaniteServer server;
  private final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(KyaniteServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts with config overrides (key name → value) on top of test defaults. */
  public static TestServer start(Map<String, ?> overrides, Feature... extra) {
    Path dir;
    try {
      dir = Files.createTempDirectory("kyanite-test");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> o = new HashMap<>();
    o.put("data-dir", dir.toString());
    o.put("port", 0);
    o.put("host", "127.0.0.1");
    o.put("http.instances", 1);
    o.put("admin.key", ADMIN_KEY);
    o.put("shutdown.timeout", "5s");
    o.putAll(overrides);
    return new TestServer(KyaniteServer.start(config(o, extra), features(extra)), dir);
  }

  /** Starts with exactly these overrides (no test defaults; e.g. no {@code admin.key}). */
  public static TestServer startRaw(Map<String, ?> overrides, Feature... extra) {
    Path dir = Path.of(String.valueOf(overrides.get("data-dir")));
    return new TestServer(KyaniteServer.start(config(overrides, extra), features(extra)), dir);
  }

  public static List<Feature> features(Feature... extra) {
    List<Feature> fs = new ArrayList<>(Features.all());
    fs.addAll(List.of(extra));
    return fs;
  }

  public static Config config(Map<String, ?> overrides, Feature... extra) {
    return ConfigLoader.forTests(KyaniteServer.configKeys(features(extra)), overrides);
  }

  public KyaniteServer server() {
    return server;
  }

  public ServerContext context() {
    return server.context();
  }

  public int port() {
    return server.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String adminKey() {
    return ADMIN_KEY;
  }

  public URI uri(String path) {
    return URI.create((server.tls() ? "https" : "http") + "://127.0.0.1:" + port() + path);
  }

  public HttpResponse<String> get(String path, String key) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), key);
  }

  public HttpResponse<String> delete(String path, String key) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), key);
  }

  public HttpResponse<String> postJson(String path, String key, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), key);
  }

  /** Sends with {@code Authorization: Bearer key} when key is not null. */
  public HttpResponse<String> send(HttpRequest.Builder b, String key) {
    if (key != null) b.header("Authorization", "Bearer " + key);
    try {
      return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
