package dev.kyanite.server.ingest;

import static dev.kyanite.server.ingest.IngestClient.json;
import static dev.kyanite.server.ingest.IngestClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.server.TestServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CloudEvents 1.0 HTTP binding on {@code POST /v1/events}: structured, binary and batch modes. */
class CloudEventsApiTest {
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static HttpResponse<String> structured(String body) {
    return post(s, "/v1/events", "application/cloudevents+json", body, s.adminKey());
  }

  @Test
  void structuredModeKeepsSourceIdAndExtensions() {
    HttpResponse<String> r = structured("{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"/shop/orders\","
        + "\"type\":\"com.example.order.created\",\"subject\":\"order/9\",\"time\":\"2026-03-04T05:06:07Z\","
        + "\"datacontenttype\":\"application/json\",\"tenant\":\"acme\",\"priority\":3,\"data\":{\"total\":9}}");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).get("id").asText()).isEqualTo("ce-1");
    JsonNode e = json(s.get("/v1/events/ce-1", s.adminKey()));
    assertThat(e.get("source").asText()).isEqualTo("/shop/orders");
    assertThat(e.get("type").asText()).isEqualTo("com.example.order.created");
    assertThat(e.get("data").get("total").asInt()).isEqualTo(9);
    assertThat(e.get("extensions").get("tenant").asText()).isEqualTo("acme");
    assertThat(e.get("extensions").get("priority").asInt()).isEqualTo(3);
    assertThat(e.get("extensions").get("datacontenttype").asText()).isEqualTo("application/json");
  }

  @Test
  void sourcePlusIdIsTheDeduplicationKey() {
    String ev = "{\"specversion\":\"1.0\",\"id\":\"dup-1\",\"source\":\"/a\",\"type\":\"t.x\",\"data\":1}";
    assertThat(structured(ev).headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(structured(ev).headers().firstValue("Idempotent-Replayed")).contains("true");
    HttpResponse<String> otherSource = structured(ev.replace("/a", "/b"));
    assertThat(otherSource.statusCode()).isEqualTo(202);
    assertThat(otherSource.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(s.get("/v1/events/dup-1?source=/a", s.adminKey())).get("source").asText()).isEqualTo("/a");
    // the ids are only unique per source, so each answer's Location names its own event
    HttpResponse<String> first = structured(ev);
    assertThat(first.headers().firstValue("Location")).contains("/v1/events/dup-1?source=%2Fa");
    assertThat(json(s.get(first.headers().firstValue("Location").orElseThrow(), s.adminKey())).get("source").asText())
        .isEqualTo("/a");
    assertThat(otherSource.headers().firstValue("Location")).contains("/v1/events/dup-1?source=%2Fb");
    assertThat(structured(ev.replace("\"data\":1", "\"data\":2")).statusCode()).isEqualTo(422);
  }

  @Test
  void missingRequiredAttributesAreListed() {
    HttpResponse<String> r = structured("{\"specversion\":\"0.3\",\"type\":\"t.x\",\"data\":1,\"Bad-Name\":\"x\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode p = json(r);
    assertThat(p.get("type").asText()).endsWith("/invalid-cloudevent");
    assertThat(p.get("errors").findValuesAsText("pointer")).contains("/specversion", "/id", "/source", "/Bad-Name");
  }

  @Test
  void binaryModeTakesAttributesFromHeadersAndTheBodyAsData() {
    HttpResponse<String> r = post(s, "/v1/events", "application/json", "{\"celsius\":21.5}", s.adminKey(),
        "ce-specversion", "1.0", "ce-id", "bin-1", "ce-source", "urn:sensor:7", "ce-type", "sensor.reading",
        "ce-subject", "room%2F1", "ce-partitionkey", "sensor-7");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode e = json(s.get("/v1/events/bin-1", s.adminKey()));
    assertThat(e.get("data").get("celsius").asDouble()).isEqualTo(21.5);
    assertThat(e.get("subject").asText()).isEqualTo("room/1");
    assertThat(e.get("key").asText()).isEqualTo("sensor-7");
    HttpResponse<String> text = post(s, "/v1/events", "text/plain; charset=utf-8", "hello", s.adminKey(),
        "ce-specversion", "1.0", "ce-id", "bin-2", "ce-source", "urn:x", "ce-type", "note.added");
    assertThat(text.statusCode()).isEqualTo(202);
    assertThat(json(s.get("/v1/events/bin-2", s.adminKey())).get("data").asText()).isEqualTo("hello");
    HttpResponse<String> missing = post(s, "/v1/events", "application/json", "{}", s.adminKey(), "ce-specversion", "1.0");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).get("errors").findValuesAsText("pointer")).contains("ce-id", "ce-source", "ce-type");
  }

  @Test
  void batchModeAnswersPerIndex() {
    HttpResponse<String> r = post(s, "/v1/events", "application/cloudevents-batch+json",
        "[{\"specversion\":\"1.0\",\"id\":\"b-1\",\"source\":\"/s\",\"type\":\"t.x\",\"data\":1},"
            + "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t.x\"}]", s.adminKey());
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode b = json(r);
    assertThat(b.get("accepted").get(0).get("id").asText()).isEqualTo("b-1");
    assertThat(b.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
    HttpResponse<String> viaBatch = post(s, "/v1/events/batch", "application/cloudevents-batch+json",
        "[{\"specversion\":\"1.0\",\"id\":\"b-2\",\"source\":\"/s\",\"type\":\"t.x\"}]", s.adminKey());
    assertThat(viaBatch.statusCode()).isEqualTo(202);
  }

  @Test
  void theOfficialSdkCanSendBinaryAndStructuredEvents() throws Exception {
    CloudEvent event = CloudEventBuilder.v1()
        .withId("sdk-1")
        .withSource(URI.create("https://example.com/sdk"))
        .withType("com.example.sdk.ping")
        .withSubject("ping")
        .withTime(OffsetDateTime.parse("2026-01-01T00:00:00Z"))
        .withExtension("tenant", "acme")
        .withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
        .build();
    assertThat(sendWithSdk(event, false)).isEqualTo(202);
    JsonNode e = json(s.get("/v1/events/sdk-1", s.adminKey()));
    assertThat(e.get("source").asText()).isEqualTo("https://example.com/sdk");
    assertThat(e.get("data").get("n").asInt()).isEqualTo(1);
    assertThat(e.get("extensions").get("tenant").asText()).isEqualTo("acme");

    CloudEvent structured = CloudEventBuilder.v1(event).withId("sdk-2").build();
    assertThat(sendWithSdk(structured, true)).isEqualTo(202);
    assertThat(json(s.get("/v1/events/sdk-2", s.adminKey())).get("data").get("n").asInt()).isEqualTo(1);
    // the SDK resending the same event is recognised as a duplicate
    assertThat(sendWithSdk(event, false)).isEqualTo(202);
  }

  private static int sendWithSdk(CloudEvent event, boolean structured) throws IOException {
    HttpURLConnection con = (HttpURLConnection) s.uri("/v1/events").toURL().openConnection();
    con.setRequestMethod("POST");
    con.setDoOutput(true);
    con.setRequestProperty("Authorization", "Bearer " + s.adminKey());
    var writer = HttpMessageFactory.createWriter(con::setRequestProperty, body -> {
      try (OutputStream os = con.getOutputStream()) {
        os.write(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (structured) writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
    else writer.writeBinary(event);
    int code = con.getResponseCode();
    try (InputStream in = code < 400 ? con.getInputStream() : con.getErrorStream()) {
      if (in != null) in.readAllBytes();
    }
    return code;
  }
}
