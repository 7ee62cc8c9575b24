package dev.kyanite.server.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RulesApiTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("rules.poll-interval", "100ms"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> put(String name, String json) {
    return server.send(HttpRequest.newBuilder(server.uri("/v1/rules/" + name)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))), server.adminKey());
  }

  static RulesFeature feature() {
    return server.context().features().stream().filter(f -> f instanceof RulesFeature).map(f -> (RulesFeature) f)
        .findFirst().orElseThrow();
  }

  static Event event(String type, String data) throws Exception {
    return new Event("evt_api", type, "shop", null, null, Instant.now(), null,
        EventCodec.mapper().readTree(data.replace('\'', '"')), null, null, null);
  }

  @Test
  void putCreatesThenReplacesAndTakesEffectBeforeAnswering() throws Exception {
    HttpResponse<String> created = put("api-drop", "{'match':{'types':['api.*'],'condition':'event.data.test == true'},'actions':['drop']}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/v1/rules/"));
    JsonObject body = new JsonObject(created.body());
    assertThat(body.getString("name")).isEqualTo("api-drop");
    assertThat(body.getInteger("version")).isEqualTo(1);
    assertThat(body.getJsonArray("actions").getString(0)).isEqualTo("drop");
    // durable in the store and applied by the pipeline as soon as the PUT answered
    assertThat(server.context().store().rules().get("api-drop")).isPresent();
    assertThat(feature().pipeline().apply(event("api.x", "{'test':true}")).droppedBy()).isEqualTo("api-drop");

    HttpResponse<String> replaced = put("api-drop", created.body()); // a GET/PUT round trip is accepted
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(new JsonObject(replaced.body()).getInteger("version")).isEqualTo(2);
    assertThat(feature().pipeline().apply(event("api.x", "{'test':true}")).appliedRules()).containsEntry("api-drop", 2);

    HttpResponse<String> one = server.get("/v1/rules/api-drop", server.adminKey());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(one.body()).getJsonObject("match").getString("condition")).isEqualTo("event.data.test == true");
    assertThat(server.get("/v1/rules", server.adminKey()).body()).contains("\"api-drop\"");

    assertThat(server.delete("/v1/rules/api-drop", server.adminKey()).statusCode()).isEqualTo(204);
    assertThat(feature().pipeline().apply(event("api.x", "{'test':true}")).dropped()).isFalse();
    assertThat(server.get("/v1/rules/api-drop", server.adminKey()).statusCode()).isEqualTo(404);
    assertThat(server.delete("/v1/rules/api-drop", server.adminKey()).statusCode()).isEqualTo(404);
  }

  @Test
  void malformedCelIsRefusedWithItsPosition() {
    HttpResponse<String> r = put("bad-cel", "{'match':{'condition':'event.data.amount > '},'actions':['drop']}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("https://kyanite.dev/problems/invalid-rule");
    JsonObject err = p.getJsonArray("errors").getJsonObject(0);
    assertThat(err.getString("pointer")).isEqualTo("/match/condition");
    assertThat(err.getString("keyword")).isEqualTo("cel");
    assertThat(err.getInteger("line")).isEqualTo(1);
    assertThat(err.getInteger("column")).isEqualTo(21);
    assertThat(p.getString("detail")).contains("line 1, column 21");
    assertThat(server.context().store().rules().get("bad-cel")).isEmpty();
  }

  @Test
  void structuralErrorsAndBadJsonAreRefused() {
    HttpResponse<String> r = put("bad-shape", "{'actions':[{'set':{'path':'type','value':'1'}}],'colour':'red'}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("/actions/0/set/path").contains("/colour");
    assertThat(put("bad-json", "{'actions':").statusCode()).isEqualTo(400);
    assertThat(put("bad%20name", "{'actions':['drop']}").statusCode()).isEqualTo(400);
  }

  @Test
  void rulesNeedTheAdminScope() {
    assertThat(server.get("/v1/rules", null).statusCode()).isEqualTo(401);
    assertThat(server.postJson("/v1/rules/test", null, "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void dryRunAndBacktestHaveNoSideEffects() throws Exception {
    assertThat(put("api-tag", "{'match':{'types':['bt.*']},'actions':[{'set':{'path':'data.tagged','value':'true'}},{'route':['ep_x']}]}")
        .statusCode()).isEqualTo(201);
    var log = server.context().eventLog();
    for (int i = 0; i < 5; i++) log.append(0, EventCodec.encode(event(i < 3 ? "bt.order" : "other", "{'i':" + i + "}"))).join();
    long end = log.endPosition(0);
    long revision = server.context().store().rules().revision();

    HttpResponse<String> dry = server.postJson("/v1/rules/test", server.adminKey(),
        "{\"rule\":\"api-tag\",\"event\":{\"type\":\"bt.order\",\"data\":{\"i\":1}}}");
    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
    JsonObject d = new JsonObject(dry.body());
    assertThat(d.getJsonObject("event").getJsonObject("data").getBoolean("tagged")).isTrue();
    assertThat(d.getJsonArray("route_to").getList()).containsExactly("ep_x");
    assertThat(d.getJsonArray("actions").size()).isEqualTo(2);

    HttpResponse<String> bt = server.postJson("/v1/rules/test?backtest=100", server.adminKey(), "{\"rule\":\"api-tag\"}");
    assertThat(bt.statusCode()).as(bt.body()).isEqualTo(200);
    JsonObject b = new JsonObject(bt.body());
    assertThat(b.getInteger("matched")).isGreaterThanOrEqualTo(3);
    assertThat(b.getJsonObject("routed").getInteger("ep_x")).isEqualTo(b.getInteger("matched"));

    assertThat(server.postJson("/v1/rules/test?backtest=0", server.adminKey(), "{\"rule\":\"api-tag\"}").statusCode()).isEqualTo(400);
    assertThat(server.postJson("/v1/rules/test?backtest=5", server.adminKey(), "{\"rule\":\"ghost\"}").statusCode()).isEqualTo(404);
    HttpResponse<String> badInline = server.postJson("/v1/rules/test", server.adminKey(),
        "{\"rule\":{\"match\":{\"condition\":\"1 +\"},\"actions\":[\"drop\"]},\"event\":{\"type\":\"t\"}}");
    assertThat(badInline.statusCode()).isEqualTo(400);
    assertThat(badInline.body()).contains("/rule/match/condition");

    assertThat(log.endPosition(0)).isEqualTo(end);
    assertThat(server.context().store().rules().revision()).isEqualTo(revision);
  }
  @Test
  void anEmptyBodyIsMalformedJsonWithoutInternals() {
    for (String path : new String[] {"/v1/rules/empty", "/v1/rules/test", "/v1/endpoints/ep_x/replay"}) {
      HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json");
      b = path.equals("/v1/rules/empty") ? b.PUT(HttpRequest.BodyPublishers.noBody()) : b.POST(HttpRequest.BodyPublishers.noBody());
      HttpResponse<String> r = server.send(b, server.adminKey());
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("type")).as(path).endsWith("/malformed-json");
      assertThat(r.body()).as(path).doesNotContain("Cannot invoke", "null");
    }
  }

  @Test
  void aDryRunReadsTheSampleEventsNumbersLikeALiveEvent() {
    HttpResponse<String> r = server.postJson("/v1/rules/test", server.adminKey(),
        "{\"event\":{\"type\":\"n.x\",\"data\":{\"s\":12.50,\"huge\":1e400,\"prec\":0.1000000000000000000001}}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"s\":12.50", "\"huge\":1E+400", "\"prec\":0.1000000000000000000001");
  }
}
