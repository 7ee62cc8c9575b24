package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoints and deliveries APIs on a real server, with events posted through ingest. */
class EndpointsApiTest {
  private static Vertx vertx;
  private static TestServer server;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = TestServer.start(Map.of("delivery.allow-private-targets", true, "delivery.retry-schedule", "300ms",
        "delivery.overload-min-delay", "0s"));
  }

  @AfterAll
  static void stop() {
    server.close();
    vertx.close();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return EventCodec.mapper().readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  static HttpResponse<String> patch(TestServer s, String path, String body) {
    return s.send(HttpRequest.newBuilder(s.uri(path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)), s.adminKey());
  }

  @Test
  void createsAnEndpointShowingItsSecretOnceThenReadsChangesRotatesAndDeletesIt() {
    HttpResponse<String> created = server.postJson("/v1/endpoints", server.adminKey(),
        "{\"url\":\"https://hooks.example.com/in\",\"event_types\":[\"order.*\"],\"description\":\"orders\","
            + "\"retry_schedule\":[\"5s\",\"1m\"],\"headers\":{\"X-Tenant\":\"t1\"},\"rate_limit\":20}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode ep = json(created);
    String id = ep.get("id").asText();
    assertThat(id).startsWith("ep_");
    assertThat(ep.get("secret").asText()).startsWith("whsec_");
    assertThat(created.headers().firstValue("Location")).contains("/v1/endpoints/" + id);
    assertThat(ep.get("max_in_flight").asInt()).isEqualTo(16);
    assertThat(ep.get("timeout_ms").asInt()).isEqualTo(15_000);
    assertThat(ep.get("retry_schedule").toString()).isEqualTo("[\"5s\",\"1m\"]");

    JsonNode got = json(server.get("/v1/endpoints/" + id, server.adminKey()));
    assertThat(got.has("secret")).isFalse();
    assertThat(got.get("headers").get("X-Tenant").asText()).isEqualTo("t1");
    assertThat(json(server.get("/v1/endpoints", server.adminKey())).get("endpoints").findValuesAsText("id")).contains(id);
    assertThat(json(server.get("/v1/endpoints/" + id + "/secret", server.adminKey())).get("secret").asText())
        .isEqualTo(ep.get("secret").asText());

    HttpResponse<String> patched = patch(server, "/v1/endpoints/" + id, "{\"enabled\":false,\"description\":null,\"rate_limit\":null}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).get("enabled").asBoolean()).isFalse();
    assertThat(json(patched).get("disabled_reason").asText()).isEqualTo("manual");
    assertThat(json(patched).get("description").isNull()).isTrue();
    assertThat(json(patched).get("url").asText()).isEqualTo("https://hooks.example.com/in");

    // null puts max_in_flight and timeout_ms back to the server's defaults; out of range is still refused
    HttpResponse<String> tuned = patch(server, "/v1/endpoints/" + id, "{\"max_in_flight\":3,\"timeout_ms\":2000}");
    assertThat(json(tuned).get("max_in_flight").asInt()).isEqualTo(3);
    assertThat(json(tuned).get("timeout_ms").asInt()).isEqualTo(2000);
    HttpResponse<String> reset = patch(server, "/v1/endpoints/" + id, "{\"max_in_flight\":null,\"timeout_ms\":null}");
    assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
    assertThat(json(reset).get("max_in_flight").asInt()).isEqualTo(16);
    assertThat(json(reset).get("timeout_ms").asInt()).isEqualTo(15_000);
    HttpResponse<String> zero = patch(server, "/v1/endpoints/" + id, "{\"max_in_flight\":0}");
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(json(zero).get("errors").get(0).get("pointer").asText()).isEqualTo("/max_in_flight");

    HttpResponse<String> rotated = server.postJson("/v1/endpoints/" + id + "/rotate-secret", server.adminKey(), "");
    assertThat(rotated.statusCode()).isEqualTo(200);
    assertThat(json(rotated).get("secret").asText()).startsWith("whsec_").isNotEqualTo(ep.get("secret").asText());
    assertThat(json(rotated).get("previous_secret_expires_at").asText()).isNotEmpty();

    assertThat(server.delete("/v1/endpoints/" + id, server.adminKey()).statusCode()).isEqualTo(204);
    assertThat(server.get("/v1/endpoints/" + id, server.adminKey()).statusCode()).isEqualTo(404);
    assertThat(server.delete("/v1/endpoints/" + id, server.adminKey()).statusCode()).isEqualTo(404);
  }

  @Test
  void rejectsBadUrlsHeaderInjectionReservedHeadersAndUnknownMembersWithPointers() {
    record Case(String body, String pointer) {}
    for (Case c : new Case[] {
        new Case("{\"url\":\"ftp://x.example/\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"https://user:pw@x.example/\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[]}", "/event_types"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"a b\"]}", "/event_types/0"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"headers\":{\"X-A\":\"v\\r\\nX-Evil: 1\"}}", "/headers/X-A"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"headers\":{\"webhook-signature\":\"v1,x\"}}",
            "/headers/webhook-signature"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"headers\":{\"Transfer-Encoding\":\"chunked\"}}",
            "/headers/Transfer-Encoding"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"retry_schedule\":[\"soon\"]}", "/retry_schedule/0"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"max_in_flight\":0}", "/max_in_flight"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"colour\":\"red\"}", "/colour"),
        new Case("{\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://127.0.0.1:99999/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://127.0.0.1:0/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://0177.0.0.1/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://0x7f000001/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://2130706433/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://127.1/x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"http://0177.0.0.1./x\",\"event_types\":[\"*\"]}", "/url"),
        new Case("{\"url\":\"https://x.example/\",\"event_types\":[\"*\"],\"rate_limit\":1e400}", "/rate_limit")}) {
      HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(), c.body());
      assertThat(r.statusCode()).as(c.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(json(r).get("errors").findValuesAsText("pointer")).as(c.body()).contains(c.pointer());
    }
    for (String ok : new String[] {"http://127.0.0.1:1/x", "https://bad.cafe/x", "http://10.0.0.1:65535/", "http://[::1]:8080/"}) {
      HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(), "{\"url\":\"" + ok + "\",\"event_types\":[\"none.*\"]}");
      assertThat(r.statusCode()).as(ok + ": " + r.body()).isEqualTo(201);
      server.send(HttpRequest.newBuilder(server.uri("/v1/endpoints/" + json(r).get("id").asText())).DELETE(), server.adminKey());
    }
    assertThat(server.postJson("/v1/endpoints", server.adminKey(), "{nope").statusCode()).isEqualTo(400);
    assertThat(server.postJson("/v1/endpoints", null, "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void privateTargetsAreRefusedAtRegistrationByDefault() {
    try (TestServer strict = TestServer.start(Map.of())) {
      for (String url : new String[] {"http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x",
          "http://10.0.0.7/x", "http://localhost/x"}) {
        HttpResponse<String> r = strict.postJson("/v1/endpoints", strict.adminKey(),
            "{\"url\":\"" + url + "\",\"event_types\":[\"*\"]}");
        assertThat(r.statusCode()).as(url).isEqualTo(400);
        assertThat(json(r).get("errors").get(0).get("keyword").asText()).as(url).isEqualTo("ssrf");
      }
    }
  }

  @Test
  void anIngestedEventIsDeliveredSignedAndShowsItsDeliveryOnTheEventAndTheDeliveriesApi() throws Exception {
    Receiver ok = new Receiver(vertx);
    Receiver failing = new Receiver(vertx);
    failing.behaviour = r -> Receiver.Answer.of(500);
    try {
      JsonNode good = json(server.postJson("/v1/endpoints", server.adminKey(),
          "{\"url\":\"" + ok.url() + "\",\"event_types\":[\"invoice.*\"]}"));
      JsonNode bad = json(server.postJson("/v1/endpoints", server.adminKey(),
          "{\"url\":\"" + failing.url() + "\",\"event_types\":[\"invoice.paid\"]}"));
      HttpResponse<String> ack = server.postJson("/v1/events", server.adminKey(), "{\"type\":\"invoice.paid\",\"data\":{\"n\":7}}");
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
      String eventId = json(ack).get("id").asText();

      await().atMost(Duration.ofSeconds(10)).until(() -> ok.received.size() == 1);
      Receiver.Received got = ok.all().get(0);
      new Webhook(good.get("secret").asText()).verify(got.body(), got.headerMap());
      assertThat(json(got.body()).get("id").asText()).isEqualTo(eventId);

      String failedId = WebhookSigner.messageId(eventId, bad.get("id").asText());
      await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/v1/deliveries/" + failedId, server.adminKey()).body()
          .contains("\"status\":\"failed\""));
      JsonNode page = json(server.get("/v1/deliveries?status=failed&endpoint=" + bad.get("id").asText(), server.adminKey()));
      assertThat(page.get("deliveries").findValuesAsText("id")).containsExactly(failedId);
      assertThat(json(server.get("/v1/deliveries/" + failedId, server.adminKey())).get("attempts_log")).hasSize(2);

      await().atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode ev = json(server.get("/v1/events/" + eventId, server.adminKey()));
        return ev.get("status").asText().equals("processed") && ev.get("deliveries").size() == 2;
      });
      JsonNode ev = json(server.get("/v1/events/" + eventId, server.adminKey()));
      java.util.List<String> statuses = new java.util.ArrayList<>();
      ev.get("deliveries").forEach(d -> statuses.add(d.get("status").asText()));
      assertThat(statuses).containsExactlyInAnyOrder("delivered", "failed");

      failing.behaviour = r -> Receiver.Answer.of(200);
      HttpResponse<String> retried = server.postJson("/v1/deliveries/" + failedId + "/retry", server.adminKey(), "");
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/v1/deliveries/" + failedId, server.adminKey()).body()
          .contains("\"status\":\"delivered\""));
      assertThat(server.postJson("/v1/deliveries/" + failedId + "/retry", server.adminKey(), "").statusCode()).isEqualTo(409);
      assertThat(server.postJson("/v1/deliveries/msg_nope/retry", server.adminKey(), "").statusCode()).isEqualTo(404);
      assertThat(server.get("/v1/deliveries?status=bogus", server.adminKey()).statusCode()).isEqualTo(400);
    } finally {
      ok.close();
      failing.close();
    }
  }

  @Test
  void deletingAnEndpointFailsItsScheduledRetriesAtOnce() throws Exception {
    Receiver failing = new Receiver(vertx);
    failing.behaviour = r -> Receiver.Answer.of(500);
    try {
      String[] ids = retryingDelivery(failing, "refund.issued", "[\"1h\"]");
      String endpointId = ids[0];
      String deliveryId = ids[1];

      assertThat(server.send(HttpRequest.newBuilder(server.uri("/v1/endpoints/" + endpointId)).DELETE(), server.adminKey())
          .statusCode()).isEqualTo(204);

      JsonNode d = json(server.get("/v1/deliveries/" + deliveryId, server.adminKey()).body());
      assertThat(d.get("status").asText()).isEqualTo("failed");
      assertThat(d.get("last_error").asText()).isEqualTo("endpoint_deleted");
      assertThat(d.path("next_attempt_at").isMissingNode() || d.get("next_attempt_at").isNull()).as(d.toString()).isTrue();
      assertThat(json(server.get("/v1/deliveries?status=retrying&endpoint=" + endpointId, server.adminKey()).body())
          .get("deliveries")).isEmpty();
      HttpResponse<String> refused = server.postJson("/v1/deliveries/" + deliveryId + "/retry", server.adminKey(), "");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(json(refused).get("type").asText()).endsWith("/endpoint-unavailable");
    } finally {
      failing.close();
    }
  }

  @Test
  void disablingAnEndpointPausesItsRetriesUntilItIsEnabledAgain() throws Exception {
    Receiver failing = new Receiver(vertx);
    failing.behaviour = r -> Receiver.Answer.of(500);
    try {
      String[] ids = retryingDelivery(failing, "coupon.used", "[\"1s\",\"1s\",\"1s\"]");
      String endpointId = ids[0];
      String deliveryId = ids[1];
      assertThat(patch(server, "/v1/endpoints/" + endpointId, "{\"enabled\":false}").statusCode()).isEqualTo(200);
      int attempts = failing.received.size();

      // due while disabled: it waits (neither sent nor dead-lettered)
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
          server.get("/v1/deliveries/" + deliveryId, server.adminKey()).body().contains("\"status\":\"retrying\""));
      assertThat(failing.received).hasSize(attempts);

      failing.behaviour = r -> Receiver.Answer.of(200);
      assertThat(patch(server, "/v1/endpoints/" + endpointId, "{\"enabled\":true}").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/v1/deliveries/" + deliveryId, server.adminKey()).body()
          .contains("\"status\":\"delivered\""));
    } finally {
      failing.close();
    }
  }

  @Test
  void retriesOfAnEndpointDisabledBeforeARestartWaitForItToo() throws Exception {
    // an endpoint disabled when the server started has no lane: its stored retries must wait as well
    Receiver ok = new Receiver(vertx);
    try {
      JsonNode ep = json(server.postJson("/v1/endpoints", server.adminKey(),
          "{\"url\":\"" + ok.url() + "\",\"event_types\":[\"gift.sent\"],\"enabled\":false}"));
      String endpointId = ep.get("id").asText();
      java.time.Instant now = java.time.Instant.now();
      server.context().store().deliveries().upsertAll(java.util.List.of(new dev.kyanite.core.store.Delivery("msg_restart_1",
          "evt_restart_1", endpointId, "gift.sent", dev.kyanite.core.store.DeliveryStatus.RETRYING, 1, now.minusSeconds(1), 500,
          "http", "{\"id\":\"evt_restart_1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), now, now)));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
          server.get("/v1/deliveries/msg_restart_1", server.adminKey()).body().contains("\"status\":\"retrying\""));
      assertThat(ok.received).isEmpty();
      assertThat(patch(server, "/v1/endpoints/" + endpointId, "{\"enabled\":true}").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/v1/deliveries/msg_restart_1", server.adminKey()).body()
          .contains("\"status\":\"delivered\""));
      assertThat(ok.received).hasSize(1);
    } finally {
      ok.close();
    }
  }

  @Test
  void numbersInDataReachTheReceiverAndTheLookupWithTheirValueAndDigits() throws Exception {
    Receiver ok = new Receiver(vertx);
    try {
      server.postJson("/v1/endpoints", server.adminKey(), "{\"url\":\"" + ok.url() + "\",\"event_types\":[\"meter.read\"]}");
      String data = "{\"a\":12.50,\"b\":1e400,\"c\":0.1000000000000000000001,\"d\":123456789012345678901234567890}";
      String exact0 = "{\"a\":12.50,\"b\":1E+400,\"c\":0.1000000000000000000001,\"d\":123456789012345678901234567890}";
      // data that is pure ASCII is stored as sent; other data goes through a tree: both must keep the numbers
      for (String unit : new String[] {"", ",\"unit\":\"m\u00b3\""}) {
        String body = "{\"type\":\"meter.read\",\"data\":" + data.replace("}", unit + "}") + "}";
        String exact = exact0.replace("}", unit + "}");
        HttpResponse<String> ack = server.postJson("/v1/events", server.adminKey(), body);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
        String id = json(ack).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.all().stream().anyMatch(r -> r.body().contains(id)));
        String delivered = ok.all().stream().filter(r -> r.body().contains(id)).findFirst().orElseThrow().body();
        assertThat(delivered).contains("\"data\":" + exact);
        assertThat(server.get("/v1/events/" + id, server.adminKey()).body()).contains("\"data\":" + exact);
      }
    } finally {
      ok.close();
    }
  }

  /**
   * An endpoint of {@code type} on {@code receiver} with {@code schedule}, and one event whose first
   * attempt failed: returns the endpoint id and the delivery id once the delivery is retrying.
   */
  private static String[] retryingDelivery(Receiver receiver, String type, String schedule) throws Exception {
    JsonNode ep = json(server.postJson("/v1/endpoints", server.adminKey(),
        "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"" + type + "\"],\"retry_schedule\":" + schedule + "}"));
    String endpointId = ep.get("id").asText();
    HttpResponse<String> ack = server.postJson("/v1/events", server.adminKey(), "{\"type\":\"" + type + "\",\"data\":1}");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    String deliveryId = WebhookSigner.messageId(json(ack).get("id").asText(), endpointId);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/v1/deliveries/" + deliveryId, server.adminKey()).body()
        .contains("\"status\":\"retrying\""));
    return new String[] {endpointId, deliveryId};
  }

  private static JsonNode json(String s) throws Exception {
    return EventCodec.mapper().readTree(s);
  }
}
