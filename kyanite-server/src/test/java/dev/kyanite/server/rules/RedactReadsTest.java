package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.event;
import static dev.kyanite.server.rules.RuleFixtures.install;
import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactReadsTest {
  @Test
  void readRedactionAppliesOnlyRedactAndRemoveOfMatchingRules() throws Exception {
    RulesEngine engine = install(RuleFixtures.engine(),
        "pii={'match':{'types':['user.*']},'actions':[{'redact':['data.email']},{'remove':['data.ssn']},"
            + "{'set':{'path':'data.x','value':'1'}},'drop']}",
        "other={'match':{'types':['order.*']},'actions':[{'redact':['data.email']}]}");
    assertThat(engine.redactForRead(event("user.created", "{'email':'a@b.c','ssn':'1','n':1}")).data())
        .isEqualTo(json("{'email':'[REDACTED]','n':1}"));
    var untouched = event("audit.x", "{'email':'a@b.c'}");
    assertThat(engine.redactForRead(untouched)).isSameAs(untouched);
  }

  @Test
  void aRuleThatMatchesOnlyAfterAnotherRulesSetStillMasksForReaders() throws Exception {
    RulesEngine engine = install(RuleFixtures.engine(),
        "a={'priority':1,'match':{'types':['pii.*'],'condition':'event.data.kind == \\'user\\''},"
            + "'actions':[{'redact':['data.email']},{'set':{'path':'data.kind','value':'\\'changed\\''}}]}",
        "b={'priority':5,'match':{'condition':'event.data.kind == \\'changed\\''},"
            + "'actions':[{'redact':['data.name','ext.traceparent']}]}",
        "c={'priority':9,'actions':['drop']}",
        "d={'priority':10,'actions':[{'redact':['data.kind']}]}");
    var stored = new dev.kyanite.core.event.Event("evt_1", "pii.signup", "shop", null, null,
        java.time.Instant.parse("2026-01-01T00:00:01Z"), null, json("{'kind':'user','email':'a@b.c','name':'Bob'}"),
        (com.fasterxml.jackson.databind.node.ObjectNode) json("{'traceparent':'00-abc-def-01'}"), null, null);
    var shown = engine.redactForRead(stored);
    // the set is not shown; rule d comes after a drop, so delivery never applies it either
    assertThat(shown.data()).isEqualTo(json("{'kind':'user','email':'[REDACTED]','name':'[REDACTED]'}"));
    assertThat(shown.extensions().get("traceparent").asText()).isEqualTo("[REDACTED]");
  }

  @Test
  void eventLookupShowsRedactedDataWhenConfigured() throws Exception {
    try (TestServer server = TestServer.start(Map.of("rules.redact-reads", true))) {
      HttpResponse<String> put = server.send(HttpRequest.newBuilder(server.uri("/v1/rules/pii"))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"actions\":[{\"redact\":[\"data.email\"]}]}")), server.adminKey());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      HttpResponse<String> posted = server.postJson("/v1/events", server.adminKey(),
          "{\"type\":\"user.created\",\"data\":{\"email\":\"ada@example.com\",\"n\":1}}");
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      String id = EventCodec.mapper().readTree(posted.body()).get("id").asText();
      HttpResponse<String> got = server.get("/v1/events/" + id, server.adminKey());
      assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
      JsonNode body = EventCodec.mapper().readTree(got.body());
      assertThat(body.at("/data/email").asText()).isEqualTo("[REDACTED]");
      assertThat(body.at("/data/n").asInt()).isEqualTo(1);
      assertThat(got.body()).doesNotContain("ada@example.com");
    }
  }
}
