package dev.kyanite.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules on a real server, end to end: events go in through {@code POST /v1/events}, rules and
 * endpoint filters run in the delivery workers, and loopback receivers see the result.
 */
class RulesDeliveryTest {
  private static Vertx vertx;
  private static TestServer server;
  private static WebhookSink all;
  private static WebhookSink eu;
  private static String allId;
  private static String euId;

  @BeforeAll
  static void start() throws Exception {
    Path plugins = Files.createTempDirectory("kyanite-plugins");
    ExamplePluginJar.build(plugins);
    vertx = Vertx.vertx();
    all = new WebhookSink(vertx);
    eu = new WebhookSink(vertx);
    server = TestServer.start(Map.of("delivery.allow-private-targets", true, "rules.plugins-dir", plugins.toString(),
        "workers.commit-interval", "100ms"));
    allId = endpoint("{\"url\":\"" + all.url() + "\",\"event_types\":[\"*\"]}");
    euId = endpoint("{\"url\":\"" + eu.url() + "\",\"event_types\":[\"order.*\"],\"filter\":\"event.data.region == 'eu'\"}");
    rule("redact-emails", "{\"priority\":-50,\"actions\":[{\"redact\":[\"data.email\",\"data.contacts.*.email\"]}]}");
    rule("drop-test-traffic", "{\"priority\":-100,\"match\":{\"condition\":\"has(event.data.test) && event.data.test == true\"},\"actions\":[\"drop\"]}");
    rule("order-total", "{\"match\":{\"types\":[\"order.*\"]},\"actions\":[{\"set\":{\"path\":\"data.total_cents\","
        + "\"value\":\"int(double(event.data.total) * 100.0)\"}},{\"remove\":[\"data.internal\"]}]}");
    rule("enrich-users", "{\"match\":{\"types\":[\"user.*\"]},\"actions\":[{\"process\":\"example-enrich\"}]}");
    rule("vip-only-all", "{\"match\":{\"types\":[\"vip.*\"]},\"actions\":[{\"route\":[\"" + allId + "\"]}]}");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    all.close();
    eu.close();
    vertx.close();
  }

  private static String endpoint(String json) {
    HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(), json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return parse(r.body()).get("id").asText();
  }

  private static void rule(String name, String json) {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/v1/rules/" + name))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)), server.adminKey());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  private static String post(String type, String data) {
    HttpResponse<String> r = server.postJson("/v1/events", server.adminKey(), "{\"type\":\"" + type + "\",\"data\":" + data + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return parse(r.body()).get("id").asText();
  }

  /** Each endpoint's delivery status of an event ({@code GET /v1/events/{id}}), once {@code n} are recorded. */
  private static Map<String, JsonNode> deliveries(String eventId, int n) {
    Map<String, JsonNode> out = new java.util.HashMap<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      out.clear();
      JsonNode got = parse(server.get("/v1/events/" + eventId, server.adminKey()).body());
      got.path("deliveries").forEach(d -> out.put(d.get("endpoint_id").asText(), d));
      return out.size() >= n;
    });
    return out;
  }

  private static JsonNode parse(String s) {
    try {
      return EventCodec.mapper().readTree(s);
    } catch (Exception e) {
      throw new AssertionError(s, e);
    }
  }

  /** Waits until the delivery workers have processed every event in the log (negative checks after it hold). */
  private static void drained() {
    var log = server.context().eventLog();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (int p = 0; p < log.partitions(); p++) if (log.lag("deliveries", p) > 0) return false;
      return true;
    });
  }

  private static JsonNode one(WebhookSink sink, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.withN(n).isEmpty());
    return sink.withN(n).get(0);
  }

  @Test
  void transformsAndRedactionReachTheReceiverAndThePIINeverLeaves() {
    post("order.created", "{\"n\":1,\"total\":12.5,\"internal\":\"x\",\"region\":\"eu\",\"email\":\"Ada@Example.com\","
        + "\"contacts\":[{\"email\":\"b@example.com\"}]}");
    for (WebhookSink sink : new WebhookSink[] {all, eu}) {
      JsonNode data = one(sink, 1).get("data");
      assertThat(data.get("total_cents").asInt()).isEqualTo(1250);
      assertThat(data.has("internal")).isFalse();
      assertThat(data.get("email").asText()).isEqualTo("[REDACTED]");
      assertThat(data.toString()).doesNotContain("example.com");
    }
  }

  @Test
  void dropRuleAndEndpointFilterChangeWhoReceives() {
    String dropped = post("order.created", "{\"n\":2,\"test\":true,\"region\":\"eu\"}"); // dropped by rule
    String us = post("order.created", "{\"n\":3,\"region\":\"us\"}");                      // not for the eu endpoint
    post("order.created", "{\"n\":4,\"region\":\"eu\"}");                                  // both
    one(all, 4);
    one(eu, 4);
    one(all, 3);
    drained();
    assertThat(all.withN(2)).isEmpty();
    assertThat(eu.withN(2)).isEmpty();
    assertThat(eu.withN(3)).isEmpty();

    // and the event says so, per endpoint: filtered, with the reason
    Map<String, JsonNode> d2 = deliveries(dropped, 2);
    for (String ep : List.of(allId, euId)) {
      assertThat(d2.get(ep).get("status").asText()).isEqualTo("filtered");
      assertThat(d2.get(ep).get("last_error").asText()).isEqualTo("dropped by rule drop-test-traffic");
      assertThat(d2.get(ep).get("attempts").asInt()).isZero();
    }
    Map<String, JsonNode> d3 = deliveries(us, 2);
    assertThat(d3.get(allId).get("status").asText()).isEqualTo("delivered");
    assertThat(d3.get(euId).get("status").asText()).isEqualTo("filtered");
    assertThat(d3.get(euId).get("last_error").asText()).isEqualTo("the endpoint's filter is false");
    JsonNode listed = parse(server.get("/v1/deliveries?status=filtered&endpoint=" + euId, server.adminKey()).body());
    List<String> events = new java.util.ArrayList<>();
    listed.get("deliveries").forEach(i -> events.add(i.get("event_id").asText()));
    assertThat(events).contains(dropped, us);
  }

  @Test
  void routeRestrictsDeliveryToTheNamedEndpoint() {
    HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(),
        "{\"url\":\"" + eu.url() + "\",\"event_types\":[\"vip.*\"]}");
    assertThat(r.statusCode()).isEqualTo(201);
    String vipEndpoint = parse(r.body()).get("id").asText();
    String vip = post("vip.signup", "{\"n\":5}");
    post("order.created", "{\"n\":6,\"region\":\"eu\"}");
    one(eu, 6);
    one(all, 5);
    drained();
    assertThat(eu.withN(5)).isEmpty();
    Map<String, JsonNode> d5 = deliveries(vip, 2);
    assertThat(d5.get(allId).get("status").asText()).isEqualTo("delivered");
    assertThat(d5.get(vipEndpoint).get("status").asText()).isEqualTo("filtered");
    assertThat(d5.get(vipEndpoint).get("last_error").asText()).isEqualTo("not in the endpoints a rule routed the event to");
  }

  @Test
  void exampleProcessorFromThePluginsDirectoryChangesDeliveredEvents() {
    post("user.created", "{\"n\":7,\"email\":\"Grace@Example.COM\"}");
    post("user.created", "{\"n\":8,\"spam\":true}");
    post("order.created", "{\"n\":9,\"region\":\"us\"}");
    JsonNode data = one(all, 7).get("data");
    assertThat(data.get("processed_by").asText()).isEqualTo("example-enrich");
    // redaction ran first (priority -50), then the processor lower-cased what was left in email
    assertThat(data.get("email").asText()).isEqualTo("[redacted]");
    one(all, 9);
    drained();
    assertThat(all.withN(8)).isEmpty();
  }

  @Test
  void invalidEndpointFilterIsRefusedWithItsPosition() {
    HttpResponse<String> r = server.postJson("/v1/endpoints", server.adminKey(),
        "{\"url\":\"" + all.url() + "\",\"event_types\":[\"*\"],\"filter\":\"event.data.x ==\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("/filter").contains("line 1, column");
  }

  @Test
  void ruleChangesApplyToEventsProcessedAfterThem() {
    post("audit.logged", "{\"n\":10}");
    one(all, 10);
    rule("drop-audit", "{\"match\":{\"types\":[\"audit.*\"]},\"actions\":[\"drop\"]}");
    post("audit.logged", "{\"n\":11}");
    post("order.created", "{\"n\":12,\"region\":\"us\"}");
    one(all, 12);
    drained();
    assertThat(all.withN(11)).isEmpty();
    HttpResponse<String> del = server.delete("/v1/rules/drop-audit", server.adminKey());
    assertThat(del.statusCode()).isEqualTo(204);
    post("audit.logged", "{\"n\":13}");
    one(all, 13);
  }
}
