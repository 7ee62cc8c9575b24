package dev.kyanite.server.ingest;

import static dev.kyanite.server.ingest.IngestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.server.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies without a {@code Content-Length} (chunked): read into an array that starts small and
 * grows, so every byte must land where it belongs however the chunks fall.
 */
class ChunkedBodyTest {
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** POSTs {@code body} chunked: the client sends it in pieces of at most 7,001 bytes, no length. */
  private static HttpResponse<String> chunked(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] into, int off, int len) {
            return super.read(into, off, Math.min(len, 7_001)); // odd-sized chunks
          }
        }));
    return s.send(b, s.adminKey());
  }

  @Test
  void aChunkedBatchFarLargerThanTheFirstArrayIsReadWhole() {
    StringBuilder body = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 300; i++) {
      if (i > 0) body.append(',');
      body.append("{\"type\":\"chunk.test\",\"data\":{\"i\":").append(i).append(",\"pad\":\"")
          .append(Integer.toString(i).repeat(300 / Integer.toString(i).length())).append("\"}}");
    }
    String text = body.append("]}").toString();
    assertThat(text.length()).isGreaterThan(90_000); // the first array is 8 KiB: it grows several times
    HttpResponse<String> r = chunked("/v1/events/batch", text);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode accepted = json(r).get("accepted");
    assertThat(accepted).hasSize(300);
    for (int i : new int[] {0, 27, 150, 299}) {
      JsonNode a = accepted.get(i);
      assertThat(a.get("index").asInt()).isEqualTo(i);
      JsonNode e = json(s.get("/v1/events/" + a.get("id").asText(), s.adminKey()));
      assertThat(e.at("/data/i").asInt()).isEqualTo(i);
      assertThat(e.at("/data/pad").asText()).startsWith(Integer.toString(i)).hasSizeGreaterThanOrEqualTo(297);
    }
  }

  @Test
  void aChunkedSingleEventIsReadWhole() {
    String pad = "é".repeat(20_000); // two bytes each: a multi-byte character may fall across chunks
    HttpResponse<String> r = chunked("/v1/events", "{\"type\":\"chunk.one\",\"data\":{\"pad\":\"" + pad + "\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode e = json(s.get("/v1/events/" + json(r).get("id").asText(), s.adminKey()));
    assertThat(e.at("/data/pad").asText()).isEqualTo(pad);
  }

  @Test
  void anEmptyChunkedBodyIsRefusedAsEmpty() {
    HttpResponse<String> r = chunked("/v1/events", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("empty");
  }
}
