package dev.kyanite.server.ingest;

import static dev.kyanite.server.ingest.IngestClient.batch;
import static dev.kyanite.server.ingest.IngestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.server.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/events/batch}: JSON object, bare array, NDJSON; partial and atomic; limits. */
class BatchApiTest {
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(Map.of("ingest.max-batch-events", 5, "ingest.max-request-bytes", "4KiB",
        "ingest.max-event-bytes", "1KiB"));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void partialBatchAcceptsTheGoodEventsAndListsTheRejectedOnesByIndex() {
    HttpResponse<String> r = batch(s, "application/json", "{\"events\":[{\"type\":\"a.b\",\"data\":1},"
        + "{\"data\":2},{\"type\":\"a.c\",\"data\":{\"x\":[3]},\"key\":\"k1\"}]}");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode b = json(r);
    assertThat(b.get("accepted").findValuesAsText("index")).containsExactly("0", "2");
    JsonNode rej = b.get("rejected").get(0);
    assertThat(rej.get("index").asInt()).isEqualTo(1);
    assertThat(rej.get("status").asInt()).isEqualTo(400);
    assertThat(rej.get("errors").get(0).get("pointer").asText()).isEqualTo("/type");
    for (JsonNode a : b.get("accepted")) {
      HttpResponse<String> got = s.get("/v1/events/" + a.get("id").asText(), s.adminKey());
      assertThat(got.statusCode()).isEqualTo(200);
      // each entry names its own event's receipt time, as stored
      assertThat(a.get("received_at").asText()).isEqualTo(json(got).get("received_at").asText());
      assertThat(a.fieldNames()).toIterable().containsExactly("index", "id", "received_at");
    }
  }

  @Test
  void bareArrayIsABatchToo() {
    HttpResponse<String> r = batch(s, "application/json", "[{\"type\":\"a.b\",\"data\":1},{\"type\":\"a.b\",\"data\":2}]");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).get("accepted")).hasSize(2);
    assertThat(json(r).get("rejected")).isEmpty();
  }

  @Test
  void atomicBatchAppendsNothingWhenOneEventIsRefused() {
    HttpResponse<String> r = batch(s, "application/json", "[{\"type\":\"a.b\",\"id\":\"atomic-1\",\"data\":1},"
        + "{\"type\":\"a.b\",\"id\":\"atomic-2\",\"data\":2,\"bogus\":1}]", "X-Ignored", "1");
    assertThat(r.statusCode()).isEqualTo(202);
    HttpResponse<String> atomic = IngestClient.post(s, "/v1/events/batch?atomic=true", "application/json",
        "[{\"type\":\"a.b\",\"id\":\"atomic-3\",\"data\":1},{\"type\":\"a.b\",\"id\":\"atomic-4\",\"data\":2,\"bogus\":1}]",
        s.adminKey());
    assertThat(atomic.statusCode()).isEqualTo(400);
    JsonNode p = json(atomic);
    assertThat(p.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
    assertThat(p.get("detail").asText()).contains("atomic");
    assertThat(s.get("/v1/events/atomic-3", s.adminKey()).statusCode()).isEqualTo(404);
    HttpResponse<String> ok = IngestClient.post(s, "/v1/events/batch?atomic=true", "application/json",
        "[{\"type\":\"a.b\",\"id\":\"atomic-5\",\"data\":1},{\"type\":\"a.b\",\"id\":\"atomic-6\",\"data\":2}]", s.adminKey());
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(s.get("/v1/events/atomic-6", s.adminKey()).statusCode()).isEqualTo(200);
  }

  @Test
  void anAtomicFlagThatIsNotABooleanIsRefusedBeforeAnythingIsAppended() {
    for (String v : new String[] {"yes", "on", "", "tru"}) {
      HttpResponse<String> r = IngestClient.post(s, "/v1/events/batch?atomic=" + v, "application/json",
          "[{\"type\":\"a.b\",\"id\":\"atomic-typo-" + v + "\",\"data\":1},{\"data\":2}]", s.adminKey());
      assertThat(r.statusCode()).as("atomic=" + v).isEqualTo(400);
      assertThat(json(r).get("errors").get(0).get("pointer").asText()).isEqualTo("/atomic");
      assertThat(s.get("/v1/events/atomic-typo-" + v, s.adminKey()).statusCode()).isEqualTo(404);
    }
    HttpResponse<String> partial = IngestClient.post(s, "/v1/events/batch?atomic=FALSE", "application/json",
        "[{\"type\":\"a.b\",\"data\":1},{\"data\":2}]", s.adminKey());
    assertThat(partial.statusCode()).isEqualTo(202);
    assertThat(json(partial).get("accepted")).hasSize(1);
  }

  @Test
  void whenNothingIsAcceptedTheAnswerIsTheProblemsStatus() {
    HttpResponse<String> r = batch(s, "application/json", "[{\"type\":\"a.b\"},{\"type\":\"a.b\"}]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("rejected")).hasSize(2);
  }

  @Test
  void ndjsonLinesAreEventsAndABrokenLineIsRejectedAlone() {
    String body = "{\"type\":\"a.b\",\"data\":1}\n{not json\n\n{\"type\":\"a.b\",\"data\":3}\r\n{\"type\":\"a.b\",\"data\":4}";
    HttpResponse<String> r = batch(s, "application/x-ndjson", body);
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode b = json(r);
    assertThat(b.get("accepted").findValuesAsText("index")).containsExactly("0", "2", "3");
    assertThat(b.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
    assertThat(b.get("rejected").get(0).get("type").asText()).endsWith("/malformed-json");
  }

  @Test
  void ndjsonLineOverTheEventLimitIsRejectedAlone() {
    String body = "{\"type\":\"a.b\",\"data\":\"" + "y".repeat(1_500) + "\"}\n{\"type\":\"a.b\",\"data\":2}\n";
    HttpResponse<String> r = batch(s, "application/x-ndjson", body);
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode b = json(r);
    assertThat(b.get("rejected").get(0).get("status").asInt()).isEqualTo(413);
    assertThat(b.get("accepted").get(0).get("index").asInt()).isEqualTo(1);
  }

  @Test
  void tooManyEventsIs413NamingTheLimit() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 6; i++) sb.append(i == 0 ? "" : ",").append("{\"type\":\"a.b\",\"data\":").append(i).append('}');
    HttpResponse<String> r = batch(s, "application/json", sb.append(']').toString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("type").asText()).endsWith("/batch-too-large");
    assertThat(json(r).get("detail").asText()).contains("ingest.max-batch-events");
    HttpResponse<String> nd = batch(s, "application/x-ndjson", "{\"type\":\"a.b\",\"data\":1}\n".repeat(6));
    assertThat(nd.statusCode()).isEqualTo(413);
  }

  @Test
  void bodyOverTheRequestLimitIs413() {
    String line = "{\"type\":\"a.b\",\"data\":\"" + "z".repeat(900) + "\"}\n";
    HttpResponse<String> r = batch(s, "application/x-ndjson", line.repeat(5));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("detail").asText()).contains("ingest.max-request-bytes");
    assertThat(batch(s, "application/json", "[" + "1,".repeat(3000) + "1]").statusCode()).isEqualTo(413);
  }

  @Test
  void emptyOrMisshapenBatchesAre400AndOtherContentTypes415() {
    assertThat(batch(s, "application/json", "[]").statusCode()).isEqualTo(400);
    assertThat(batch(s, "application/json", "{\"events\":[]}").statusCode()).isEqualTo(400);
    assertThat(batch(s, "application/json", "{\"evts\":[]}").statusCode()).isEqualTo(400);
    // the pointer names the wrong part: a JSON Pointer, so "" for the whole body
    assertThat(json(batch(s, "application/json", "{\"evts\":[]}")).get("errors").get(0).get("pointer").asText()).isEqualTo("/evts");
    assertThat(json(batch(s, "application/json", "{\"events\":1}")).get("errors").get(0).get("pointer").asText()).isEqualTo("/events");
    assertThat(json(batch(s, "application/json", "{}")).get("errors").get(0).get("pointer").asText()).isEmpty();
    assertThat(batch(s, "application/json", "{\"events\":[{\"type\":\"a.b\",\"data\":1}],\"more\":1}").statusCode()).isEqualTo(400);
    assertThat(batch(s, "application/x-ndjson", "\n\n").statusCode()).isEqualTo(400);
    assertThat(batch(s, "application/xml", "<a/>").statusCode()).isEqualTo(415);
  }

  @Test
  void resentBatchWithIdsIsRecognisedEventByEvent() {
    String body = "[{\"type\":\"a.b\",\"id\":\"re-1\",\"data\":1},{\"type\":\"a.b\",\"id\":\"re-2\",\"data\":2}]";
    HttpResponse<String> first = batch(s, "application/json", body);
    HttpResponse<String> again = batch(s, "application/json", body);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(json(again).get("accepted").findValuesAsText("replayed")).containsExactly("true", "true");
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(again).get("accepted").findValuesAsText("id")).isEqualTo(json(first).get("accepted").findValuesAsText("id"));
  }

  @Test
  void idempotencyKeyOnABatchAppliesPerEvent() {
    String body = "[{\"type\":\"a.b\",\"data\":1},{\"type\":\"a.b\",\"data\":2}]";
    HttpResponse<String> first = batch(s, "application/json", body, "Idempotency-Key", "batch-77");
    HttpResponse<String> again = batch(s, "application/json", body, "Idempotency-Key", "batch-77");
    assertThat(json(again).get("accepted").findValuesAsText("id")).isEqualTo(json(first).get("accepted").findValuesAsText("id"));
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
  }
}
