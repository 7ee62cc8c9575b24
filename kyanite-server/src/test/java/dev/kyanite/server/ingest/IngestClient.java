package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.core.store.ApiKey;
import dev.kyanite.server.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Test helpers for the ingest API on a {@link TestServer}. */
final class IngestClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private IngestClient() {}

  static HttpResponse<String> post(TestServer s, String path, String contentType, String body, String key, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return s.send(b, key);
  }

  static HttpResponse<String> event(TestServer s, String body, String... headers) {
    return post(s, "/v1/events", "application/json", body, s.adminKey(), headers);
  }

  static HttpResponse<String> batch(TestServer s, String contentType, String body, String... headers) {
    return post(s, "/v1/events/batch", contentType, body, s.adminKey(), headers);
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** Creates an API key directly in the store; returns its secret. */
  static String key(TestServer s, String name, Set<String> scopes, Double rate) {
    String secret = "kya_" + name + "_" + UUID.randomUUID().toString().replace("-", "");
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      s.context().store().keys().create(new ApiKey("key_" + UUID.randomUUID(), name, hash, scopes, rate, Instant.now(), null));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return secret;
  }
}
