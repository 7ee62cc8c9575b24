package dev.kyanite.server.ingest;

import static dev.kyanite.server.ingest.IngestClient.event;
import static dev.kyanite.server.ingest.IngestClient.json;
import static dev.kyanite.server.ingest.IngestClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.server.TestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/events} (native JSON) and {@code GET /v1/events/{id}} on a real server over loopback. */
class IngestApiTest {
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of("ingest.max-event-bytes", "2KiB"));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void acceptedEventAnswers202WithItsLocationAndIsReadableThere() {
    HttpResponse<String> r = event(s, "{\"type\":\"order.created\",\"data\":{\"amount\":12.50,\"items\":[1,2]},"
        + "\"subject\":\"order/1\",\"key\":\"customer-7\",\"time\":\"2026-01-02T03:04:05+01:00\"}",
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode ack = json(r);
    String id = ack.get("id").asText();
    assertThat(id).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(Instant.parse(ack.get("received_at").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(ack.get("durability").asText()).isNotEmpty();
    assertThat(r.headers().firstValue("Location")).contains("/v1/events/" + id);

    HttpResponse<String> got = s.get("/v1/events/" + id, s.adminKey());
    assertThat(got.statusCode()).isEqualTo(200);
    JsonNode e = json(got);
    assertThat(e.get("id").asText()).isEqualTo(id);
    assertThat(e.get("type").asText()).isEqualTo("order.created");
    assertThat(e.get("source").asText()).isEqualTo("admin");
    assertThat(e.get("subject").asText()).isEqualTo("order/1");
    assertThat(e.get("key").asText()).isEqualTo("customer-7");
    assertThat(e.get("time").asText()).isEqualTo("2026-01-02T02:04:05Z");
    assertThat(e.get("data").get("amount").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(e.get("extensions").get("traceparent").asText()).startsWith("00-4bf92f");
    assertThat(e.get("status").asText()).isIn("accepted", "processed");
  }

  @Test
  void ingestCountersAreExposedAsMetrics() {
    event(s, "{\"type\":\"m.x\",\"data\":1}");
    event(s, "{\"type\":\"m.x\"}");
    String m = s.get("/metrics", s.adminKey()).body();
    assertThat(m).contains("kyanite_ingest_events_total{outcome=\"accepted\"}", "kyanite_ingest_events_total{outcome=\"rejected\"}",
        "kyanite_ingest_inflight_events", "kyanite_ingest_index_lag");
  }

  @Test
  void logFsyncTimesAreAHistogramCountingEveryGroupCommit() {
    event(s, "{\"type\":\"m.fsync\",\"data\":1}");
    String m = s.get("/metrics", s.adminKey()).body();
    assertThat(m).contains("# TYPE kyanite_log_fsync_seconds histogram", "kyanite_log_fsync_seconds_bucket{le=\"0.001\"");
    long count = metric(m, "kyanite_log_fsync_seconds_count");
    long fsyncs = metric(m, "kyanite_log_fsyncs_total");
    assertThat(count).as("an acked event waited for at least one force").isPositive();
    // counted at different instants, and fsyncs also counts rolls: never fewer than the forces timed
    assertThat(fsyncs).isGreaterThanOrEqualTo(count);
  }

  private static long metric(String exposition, String name) {
    return exposition.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> (long) Double.parseDouble(l.substring(name.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError(name + " not exposed"));
  }

  @Test
  void aWrongMethodIs405NamingTheAllowedOnes() {
    HttpResponse<String> r = s.send(java.net.http.HttpRequest.newBuilder(s.uri("/v1/events/evt_x")).DELETE(), s.adminKey());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("GET");
    HttpResponse<String> put = s.send(java.net.http.HttpRequest.newBuilder(s.uri("/v1/events"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")), s.adminKey());
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void unknownEventIs404() {
    HttpResponse<String> r = s.get("/v1/events/evt_nope", s.adminKey());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void withoutAKeyIs401AndWithoutTheScopeIs403() {
    assertThat(post(s, "/v1/events", "application/json", "{\"type\":\"a.b\",\"data\":1}", null).statusCode()).isEqualTo(401);
    String reader = IngestClient.key(s, "reader", Set.of("events:read"), null);
    HttpResponse<String> r = post(s, "/v1/events", "application/json", "{\"type\":\"a.b\",\"data\":1}", reader);
    assertThat(r.statusCode()).isEqualTo(403);
    String writer = IngestClient.key(s, "writer", Set.of("events:write"), null);
    HttpResponse<String> ok = post(s, "/v1/events", "application/json", "{\"type\":\"a.b\",\"data\":1}", writer);
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(s.get("/v1/events/" + json(ok).get("id").asText(), writer).statusCode()).isEqualTo(403);
    JsonNode e = json(s.get("/v1/events/" + json(ok).get("id").asText(), reader));
    assertThat(e.get("source").asText()).isEqualTo("writer");
  }

  @Test
  void malformedJsonIs400() {
    for (String body : new String[] {"{", "{\"type\":\"a.b\",\"data\":1}{}", "", "nul", "{\"type\":\"a.b\",\"data\":1,\"type\":\"c\"}"}) {
      HttpResponse<String> r = event(s, body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(json(r).get("type").asText()).startsWith("https://kyanite.dev/problems/");
    }
  }

  @Test
  void envelopeErrorsAreAllListedWithPointers() {
    HttpResponse<String> r = event(s, "{\"type\":\"not a type!\",\"extra\":true,\"time\":\"yesterday\",\"id\":7}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode p = json(r);
    assertThat(p.get("type").asText()).isEqualTo("https://kyanite.dev/problems/invalid-event");
    assertThat(p.get("errors").findValuesAsText("pointer")).containsExactlyInAnyOrder("/type", "/extra", "/time", "/id", "/data");
    HttpResponse<String> arr = event(s, "[1,2]");
    assertThat(arr.statusCode()).isEqualTo(400);
  }

  @Test
  void wrongContentTypeIs415() {
    HttpResponse<String> r = post(s, "/v1/events", "text/plain", "{\"type\":\"a.b\",\"data\":1}", s.adminKey());
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(post(s, "/v1/events", null, "{\"type\":\"a.b\",\"data\":1}", s.adminKey()).statusCode()).isEqualTo(415);
  }

  @Test
  void aFormBodyGetsTheRoutesOwnAnswerAndIsRefusedOnlyWhereABodyWouldBeDecoded() {
    String form = "application/x-www-form-urlencoded"; // what curl -d sends by default
    assertThat(post(s, "/v1/events", form, "{\"type\":\"a.b\",\"data\":1}", null).statusCode()).isEqualTo(401);
    HttpResponse<String> ingest = post(s, "/v1/events", form, "{\"type\":\"a.b\",\"data\":1}", s.adminKey());
    assertThat(ingest.statusCode()).isEqualTo(415);
    assertThat(json(ingest).get("accepted").toString()).contains("application/cloudevents+json");
    HttpResponse<String> health = s.send(java.net.http.HttpRequest.newBuilder(s.uri("/healthz"))
        .header("Content-Type", "multipart/form-data; boundary=x").GET(), null);
    assertThat(health.statusCode()).isEqualTo(200);
    // a CloudEvent in binary mode takes any content type as data
    HttpResponse<String> binary = post(s, "/v1/events", form, "a=1&b=2", s.adminKey(), "ce-specversion", "1.0",
        "ce-id", "form-1", "ce-source", "/forms", "ce-type", "form.posted");
    assertThat(binary.statusCode()).as(binary.body()).isEqualTo(202);
    // routes whose body Vert.x Web decodes refuse form and multipart bodies (a bad boundary would throw)
    HttpResponse<String> keys = post(s, "/v1/keys", "multipart/form-data; boundary=", "--", s.adminKey());
    assertThat(keys.statusCode()).isEqualTo(415);
    assertThat(keys.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void eventOverTheLimitIs413NamingIt() {
    HttpResponse<String> r = event(s, "{\"type\":\"a.b\",\"data\":\"" + "x".repeat(3_000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(413);
    JsonNode p = json(r);
    assertThat(p.get("type").asText()).endsWith("/event-too-large");
    assertThat(p.get("detail").asText()).contains("ingest.max-event-bytes");
  }

  @Test
  void timeTooFarInTheFutureIs422() {
    HttpResponse<String> r = event(s, "{\"type\":\"a.b\",\"data\":1,\"time\":\"" + Instant.now().plusSeconds(3 * 86_400) + "\"}");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(json(r).get("type").asText()).endsWith("/time-in-future");
    assertThat(event(s, "{\"type\":\"a.b\",\"data\":1,\"time\":\"" + Instant.now().plusSeconds(60) + "\"}").statusCode()).isEqualTo(202);
  }

  @Test
  void clientIdIsKeptAndARepeatReturnsTheOriginalResponse() {
    String body = "{\"type\":\"order.paid\",\"id\":\"order-99-paid\",\"data\":{\"n\":1}}";
    HttpResponse<String> first = event(s, body);
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(json(first).get("id").asText()).isEqualTo("order-99-paid");
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    HttpResponse<String> again = event(s, body);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(again)).isEqualTo(json(first));
    HttpResponse<String> other = event(s, "{\"type\":\"order.paid\",\"id\":\"order-99-paid\",\"data\":{\"n\":2}}");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(json(other).get("type").asText()).endsWith("/idempotency-key-reused");
  }

  @Test
  void idempotencyKeyHeaderReplaysTheOriginalResponse() {
    String body = "{\"type\":\"signup\",\"data\":{\"email\":\"a@example.com\"}}";
    HttpResponse<String> first = event(s, body, "Idempotency-Key", "signup-123");
    HttpResponse<String> again = event(s, body, "Idempotency-Key", "signup-123");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(json(again).get("id")).isEqualTo(json(first).get("id"));
    assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(event(s, "{\"type\":\"signup\",\"data\":{}}", "Idempotency-Key", "signup-123").statusCode()).isEqualTo(422);
    assertThat(event(s, body, "Idempotency-Key", "signup-124").headers().firstValue("Idempotent-Replayed")).isEmpty();
    HttpResponse<String> bad = event(s, body, "Idempotency-Key", "k".repeat(256));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("type").asText()).endsWith("/invalid-idempotency-key");
  }

  @Test
  void rateLimitedKeyGets429WithRetryAfter() {
    String slow = IngestClient.key(s, "slow", Set.of("events:write"), 1.0);
    int limited = 0;
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = post(s, "/v1/events", "application/json", "{\"type\":\"a.b\",\"data\":1}", slow);
      if (r.statusCode() == 429) {
        limited++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
      } else {
        assertThat(r.statusCode()).isEqualTo(202);
      }
    }
    assertThat(limited).isPositive();
  }
}
