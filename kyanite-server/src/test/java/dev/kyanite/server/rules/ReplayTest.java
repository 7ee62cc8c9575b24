package dev.kyanite.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replay from the log through the normal delivery path, on a real server with loopback receivers. */
class ReplayTest {
  private static Vertx vertx;
  private static TestServer server;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = TestServer.start(Map.of("delivery.allow-private-targets", true));
  }

  @AfterAll
  static void stop() {
    server.close();
    vertx.close();
  }

  private static JsonNode parse(String s) {
    try {
      return EventCodec.mapper().readTree(s);
    } catch (Exception e) {
      throw new AssertionError(s, e);
    }
  }

  private static String endpoint(String json) {
    HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(), json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return parse(r.body()).get("id").asText();
  }

  private static String post(String type, int n) {
    HttpResponse<String> r = server.postJson("/v1/events", server.adminKey(), "{\"type\":\"" + type + "\",\"data\":{\"n\":" + n + "}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return parse(r.body()).get("id").asText();
  }

  private static JsonNode job(String id) {
    return parse(server.get("/v1/replays/" + id, server.adminKey()).body());
  }

  @Test
  void replayOfATimeRangeDeliversExactlyTheMatchingEventsWithTheirOriginalWebhookIds() throws Exception {
    try (WebhookSink sink = new WebhookSink(vertx)) {
      String ep = endpoint("{\"url\":\"" + sink.url() + "\",\"event_types\":[\"rp.*\"]}");
      Instant before = Instant.now();
      for (int i = 1; i <= 4; i++) post(i % 2 == 0 ? "rp.even" : "rp.odd", 100 + i);
      Thread.sleep(20);
      Instant middle = Instant.now();
      Thread.sleep(20);
      for (int i = 5; i <= 6; i++) post("rp.odd", 100 + i);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.hits().size() == 6);
      Map<Integer, String> originalIds = sink.hits().stream()
          .collect(Collectors.toMap(h -> h.body().at("/data/n").asInt(), WebhookSink.Hit::webhookId));

      HttpResponse<String> r = server.postJson("/v1/endpoints/" + ep + "/replay", server.adminKey(),
          "{\"since\":\"" + before + "\",\"until\":\"" + middle + "\",\"types\":[\"rp.odd\"]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = parse(r.body()).get("id").asText();
      assertThat(r.headers().firstValue("Location")).hasValue("/v1/replays/" + id);
      await().atMost(Duration.ofSeconds(10)).until(() -> job(id).get("status").asText().equals("completed")
          && job(id).get("settled").asLong() == 2);
      JsonNode done = job(id);
      assertThat(done.get("matched").asLong()).isEqualTo(2);
      assertThat(done.get("sent").asLong()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> sink.hits().size() == 8);
      List<WebhookSink.Hit> replayed = sink.hits().subList(6, 8);
      assertThat(replayed).extracting(h -> h.body().at("/data/n").asInt()).containsExactlyInAnyOrder(101, 103);
      for (WebhookSink.Hit h : replayed) assertThat(h.webhookId()).isEqualTo(originalIds.get(h.body().at("/data/n").asInt()));
    }
  }

  @Test
  void cancelStopsAReplay() throws Exception {
    try (WebhookSink sink = new WebhookSink(vertx)) {
      Instant before = Instant.now();
      for (int i = 0; i < 200; i++) post("slow.x", i);
      // created after the events: the live workers deliver nothing to it; only the replay does
      String ep = endpoint("{\"url\":\"" + sink.url() + "\",\"event_types\":[\"slow.*\"],\"rate_limit\":5}");
      HttpResponse<String> r = server.postJson("/v1/endpoints/" + ep + "/replay", server.adminKey(), "{\"since\":\"" + before + "\"}");
      String id = parse(r.body()).get("id").asText();
      // at most four run at once: each holds a thread and reads the whole log
      java.util.List<String> more = new java.util.ArrayList<>();
      HttpResponse<String> refused = null;
      for (int i = 0; i < Replays.MAX_RUNNING && refused == null; i++) {
        HttpResponse<String> again = server.postJson("/v1/endpoints/" + ep + "/replay", server.adminKey(), "{\"since\":\"" + before + "\"}");
        if (again.statusCode() == 202) more.add(parse(again.body()).get("id").asText());
        else refused = again;
      }
      assertThat(refused).as("the fifth running replay is refused").isNotNull(); // fewer if another test's is still running
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("too-many-replays");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      for (String m : more) assertThat(server.delete("/v1/replays/" + m, server.adminKey()).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.hits().size() >= 3);
      assertThat(server.delete("/v1/replays/" + id, server.adminKey()).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> job(id).get("status").asText().equals("cancelled"));
      assertThat(job(id).get("sent").asLong()).isLessThan(200);
      assertThat(server.get("/v1/replays/rpl_nope", server.adminKey()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void invalidReplayRequestsAreRefused() {
    HttpResponse<String> noSince = server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(), "{}");
    assertThat(noSince.statusCode()).isEqualTo(400);
    assertThat(noSince.body()).contains("/since");
    assertThat(server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(), "{\"since\":\"2026-01-01T00:00:00Z\"}")
        .statusCode()).isEqualTo(404);
    HttpResponse<String> badFilter = server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(),
        "{\"since\":\"2026-01-01T00:00:00Z\",\"filter\":\"event.data.n >\"}");
    assertThat(badFilter.statusCode()).isEqualTo(400);
    assertThat(badFilter.body()).contains("line 1");
    HttpResponse<String> misspelt = server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(),
        "{\"since\":\"2026-01-01T00:00:00Z\",\"untill\":\"2026-01-02T00:00:00Z\",\"types\":[\"order.*\",\"bad glob!\"]}");
    assertThat(misspelt.statusCode()).isEqualTo(400);
    assertThat(misspelt.body()).contains("\"/untill\"", "additionalProperties", "\"/types/1\"");
    assertThat(server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(), "[1]").statusCode()).isEqualTo(400);
    for (String since : new String[] {"+999999999-12-31T23:59:59Z", "2026-01-01T24:00:00Z", "2026-01-01", "20260101T000000Z"}) {
      HttpResponse<String> bad = server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(), "{\"since\":\"" + since + "\"}");
      assertThat(bad.statusCode()).as(since).isEqualTo(400);
      assertThat(bad.body()).as(since).contains("/since");
    }
    assertThat(server.postJson("/v1/endpoints/ep_nope/replay", server.adminKey(), "{\"since\":\"2026-01-01T01:00:00.5+01:00\"}")
        .statusCode()).as("an RFC 3339 time with an offset is fine (then the unknown endpoint is 404)").isEqualTo(404);
    assertThat(Set.of(server.postJson("/v1/endpoints/ep_nope/replay", null, "{}").statusCode())).containsExactly(401);
    String off = endpoint("{\"url\":\"http://127.0.0.1:9/off\",\"event_types\":[\"*\"],\"enabled\":false}");
    HttpResponse<String> disabled = server.postJson("/v1/endpoints/" + off + "/replay", server.adminKey(),
        "{\"since\":\"2026-01-01T00:00:00Z\"}");
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(409);
    assertThat(disabled.body()).contains("endpoint-unavailable");
  }
}
