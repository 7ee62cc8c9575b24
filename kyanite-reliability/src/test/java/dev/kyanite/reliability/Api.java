package dev.kyanite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.server.ChildServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A small blocking HTTP/1.1 client for one server port, with a default bearer key. Well-formed
 * requests only (the JDK client refuses malformed ones): hostile traffic goes through {@link RawHttp}.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();

  private final int port;
  private final String key;

  Api(int port, String key) {
    this.port = port;
    this.key = key;
  }

  static Api admin(ChildServer s) {
    return new Api(s.port(), s.adminKey());
  }

  Api withKey(String otherKey) {
    return new Api(port, otherKey);
  }

  int port() {
    return port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, Map.of());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send("POST", path, json, Map.of("Content-Type", "application/json"));
  }

  HttpResponse<String> post(String path, String json, Map<String, String> headers) throws IOException, InterruptedException {
    return send("POST", path, json, headers);
  }

  HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    if (body != null && !headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** Creates an API key with these scopes; returns {id, secret}. */
  String[] createKey(String name, String... scopes) throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("name", name);
    var arr = body.putArray("scopes");
    for (String s : scopes) arr.add(s);
    HttpResponse<String> r = post("/v1/keys", body.toString());
    if (r.statusCode() != 201) throw new IllegalStateException("key creation: " + r.statusCode() + " " + r.body());
    JsonNode j = json(r);
    return new String[] {j.get("id").asText(), j.get("secret").asText()};
  }

  /** Registers a webhook endpoint for every event type; returns its JSON (id, secret, ...). */
  JsonNode createEndpoint(String url) throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("url", url);
    body.putArray("event_types").add("*");
    HttpResponse<String> r = post("/v1/endpoints", body.toString());
    if (r.statusCode() / 100 != 2) throw new IllegalStateException("endpoint creation: " + r.statusCode() + " " + r.body());
    return json(r);
  }
}
