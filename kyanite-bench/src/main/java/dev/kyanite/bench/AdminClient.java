package dev.kyanite.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The few admin API calls of end-to-end mode: register the receiver as an endpoint
 * ({@code POST /v1/endpoints {"url","event_types"}} → {@code id}, {@code secret}) and delete it.
 * Blocking calls, made from the command's thread only.
 */
final class AdminClient implements AutoCloseable {
  /** A registered endpoint. */
  record Endpoint(String id, String secret) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClientAgent client;
  private final LoadSpec spec;

  AdminClient(Vertx vertx, LoadSpec spec) {
    this.spec = spec;
    this.client = vertx.createHttpClient(Clients.options(spec));
  }

  Endpoint register(String url, List<String> eventTypes) throws Exception {
    byte[] body = JSON.writeValueAsBytes(Map.of("url", url, "event_types", eventTypes));
    Answer a = call(HttpMethod.POST, "/v1/endpoints", Buffer.buffer(body));
    if (a.status / 100 != 2) {
      throw new IllegalStateException("registering the webhook receiver failed: HTTP " + a.status
          + " " + a.text() + " (end-to-end mode needs an admin key, and a server that allows"
          + " private/loopback webhook targets)");
    }
    JsonNode node = JSON.readTree(a.body.getBytes());
    String id = node.path("id").asText(null);
    String secret = node.path("secret").asText(null);
    if (id == null || secret == null) {
      throw new IllegalStateException("endpoint answer lacks id or secret: " + a.text());
    }
    return new Endpoint(id, secret);
  }

  /** Deletes the endpoint; returns the HTTP status. */
  int delete(String id) throws Exception {
    return call(HttpMethod.DELETE, "/v1/endpoints/" + id, null).status;
  }

  private record Answer(int status, Buffer body) {
    String text() {
      String s = body.toString();
      return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
  }

  private Answer call(HttpMethod method, String path, Buffer body) throws Exception {
    String base = spec.url().getPath() == null ? "" : spec.url().getPath().replaceAll("/+$", "");
    RequestOptions options = new RequestOptions().setMethod(method).setURI(base + path)
        .setIdleTimeout(spec.timeout().toMillis());
    if (spec.key() != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + spec.key());
    }
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose((HttpClientResponse resp) -> resp.body().map(b -> new Answer(resp.statusCode(), b)))
        .await(spec.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    client.close();
  }
}
