package dev.kyanite.server.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.server.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema registry API and validation of ingested events against it, over loopback. */
class SchemaApiTest {
  static final ObjectMapper M = new ObjectMapper();
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static HttpResponse<String> put(String type, String schema) {
    return s.send(HttpRequest.newBuilder(s.uri("/v1/schemas/" + type)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(schema)), s.adminKey());
  }

  static HttpResponse<String> ingest(String type, String data) {
    return s.postJson("/v1/events", s.adminKey(), "{\"type\":\"" + type + "\",\"data\":" + data + "}");
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return M.readTree(r.body());
  }

  @Test
  void registeredSchemaValidatesDataAndViolationsListEveryError() throws Exception {
    HttpResponse<String> v1 = put("payment.made", "{\"type\":\"object\",\"required\":[\"amount\",\"currency\"],"
        + "\"properties\":{\"amount\":{\"type\":\"number\",\"exclusiveMinimum\":0},\"currency\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"},"
        + "\"at\":{\"type\":\"string\",\"format\":\"date-time\"}}}");
    assertThat(v1.statusCode()).isEqualTo(201);
    assertThat(json(v1).get("version").asInt()).isEqualTo(1);
    assertThat(ingest("payment.made", "{\"amount\":10,\"currency\":\"EUR\"}").statusCode()).isEqualTo(202);
    HttpResponse<String> bad = ingest("payment.made", "{\"amount\":-1,\"currency\":\"euro\",\"at\":\"not-a-date\"}");
    assertThat(bad.statusCode()).isEqualTo(422);
    JsonNode p = json(bad);
    assertThat(p.get("type").asText()).isEqualTo("https://kyanite.dev/problems/schema-violation");
    assertThat(p.get("errors").findValuesAsText("pointer")).containsExactlyInAnyOrder("/data/amount", "/data/currency", "/data/at");
    assertThat(p.get("errors").findValuesAsText("keyword")).contains("exclusiveMinimum", "pattern", "format");
    HttpResponse<String> missing = ingest("payment.made", "{}");
    assertThat(json(missing).get("errors").findValuesAsText("pointer")).contains("/data/amount", "/data/currency");
  }

  @Test
  void eachRegistrationIsANewVersionAndTheRegistryCanBeListedReadAndDeleted() throws Exception {
    assertThat(put("user.seen", "{\"type\":\"string\"}").statusCode()).isEqualTo(201);
    HttpResponse<String> v2 = put("user.seen", "{\"type\":\"integer\"}");
    assertThat(v2.statusCode()).isEqualTo(200);
    assertThat(json(v2).get("version").asInt()).isEqualTo(2);
    assertThat(ingest("user.seen", "\"x\"").statusCode()).isEqualTo(422);
    assertThat(ingest("user.seen", "5").statusCode()).isEqualTo(202);
    JsonNode got = json(s.get("/v1/schemas/user.seen", s.adminKey()));
    assertThat(got.get("schema").get("type").asText()).isEqualTo("integer");
    assertThat(json(s.get("/v1/schemas", s.adminKey())).get("schemas").findValuesAsText("type")).contains("user.seen");
    assertThat(s.delete("/v1/schemas/user.seen", s.adminKey()).statusCode()).isEqualTo(204);
    assertThat(s.get("/v1/schemas/user.seen", s.adminKey()).statusCode()).isEqualTo(404);
    assertThat(s.delete("/v1/schemas/user.seen", s.adminKey()).statusCode()).isEqualTo(404);
    assertThat(ingest("user.seen", "\"x\"").statusCode()).isEqualTo(202);
  }

  @Test
  void invalidSchemasAreRefusedWith400() throws Exception {
    HttpResponse<String> notSchema = put("bad.one", "{\"type\":\"objekt\",\"minimum\":\"zero\"}");
    assertThat(notSchema.statusCode()).isEqualTo(400);
    JsonNode p = json(notSchema);
    assertThat(p.get("type").asText()).endsWith("/invalid-schema");
    assertThat(p.get("errors").findValuesAsText("pointer")).contains("/type", "/minimum");
    assertThat(put("bad.one", "{broken").statusCode()).isEqualTo(400);
    assertThat(put("bad.one", "42").statusCode()).isEqualTo(400);
    assertThat(s.get("/v1/schemas/bad.one", s.adminKey()).statusCode()).isEqualTo(404);
    HttpResponse<String> wrongType = s.send(HttpRequest.newBuilder(s.uri("/v1/schemas/x.y")).header("Content-Type", "text/plain")
        .PUT(HttpRequest.BodyPublishers.ofString("{}")), s.adminKey());
    assertThat(wrongType.statusCode()).isEqualTo(415);
  }

  @Test
  void refsResolveToRegisteredSchemasAndNeverToTheNetwork() throws Exception {
    assertThat(put("money", "{\"type\":\"object\",\"required\":[\"cents\"],\"properties\":{\"cents\":{\"type\":\"integer\"}}}").statusCode())
        .isEqualTo(201);
    assertThat(put("invoice.sent", "{\"type\":\"object\",\"properties\":{\"total\":{\"$ref\":\"money\"},"
        + "\"tax\":{\"$ref\":\"https://kyanite.dev/schemas/money\"}}}").statusCode()).isEqualTo(201);
    HttpResponse<String> bad = ingest("invoice.sent", "{\"total\":{\"cents\":\"10\"},\"tax\":{}}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(json(bad).get("errors").findValuesAsText("pointer")).contains("/data/total/cents", "/data/tax/cents");
    assertThat(ingest("invoice.sent", "{\"total\":{\"cents\":10}}").statusCode()).isEqualTo(202);
    assertThat(put("dangling", "{\"$ref\":\"not.registered\"}").statusCode()).isEqualTo(400);
    HttpResponse<String> remote = put("remote", "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}");
    assertThat(remote.statusCode()).isEqualTo(400);
    assertThat(json(remote).get("detail").asText()).contains("unresolvable reference");

    // money cannot go while invoice.sent uses it: that would refuse every invoice.sent event
    HttpResponse<String> inUse = s.delete("/v1/schemas/money", s.adminKey());
    assertThat(inUse.statusCode()).isEqualTo(409);
    assertThat(json(inUse).get("type").asText()).endsWith("/schema-in-use");
    assertThat(json(inUse).get("referenced_by").get(0).asText()).isEqualTo("invoice.sent");
    assertThat(ingest("invoice.sent", "{\"total\":{\"cents\":10}}").statusCode()).isEqualTo(202);
    assertThat(s.delete("/v1/schemas/invoice.sent", s.adminKey()).statusCode()).isEqualTo(204);
    assertThat(s.delete("/v1/schemas/money", s.adminKey()).statusCode()).isEqualTo(204);
  }

  @Test
  void schemaRoutesNeedTheAdminScope() {
    assertThat(s.get("/v1/schemas", null).statusCode()).isEqualTo(401);
  }

  @Test
  void rejectPolicyRefusesTypesWithoutASchema() throws Exception {
    try (TestServer strict = TestServer.start(Map.of("ingest.unknown-types", "reject"))) {
      HttpResponse<String> r = strict.postJson("/v1/events", strict.adminKey(), "{\"type\":\"no.schema\",\"data\":1}");
      assertThat(r.statusCode()).isEqualTo(422);
      assertThat(json(r).get("type").asText()).endsWith("/schema-required");
    }
  }
}
