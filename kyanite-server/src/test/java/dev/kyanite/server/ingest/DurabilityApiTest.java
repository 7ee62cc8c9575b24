package dev.kyanite.server.ingest;

import static dev.kyanite.server.ingest.IngestClient.event;
import static dev.kyanite.server.ingest.IngestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest on the durable file log: restarts, a full log, concurrent repeats of one key. */
class DurabilityApiTest {
  @TempDir
  Path dir;

  private static Map<String, Object> config(Path dataDir) {
    Map<String, Object> o = new HashMap<>();
    o.put("data-dir", dataDir.toString());
    o.put("port", 0);
    o.put("host", "127.0.0.1");
    o.put("http.instances", 1);
    o.put("admin.key", TestServer.ADMIN_KEY);
    o.put("shutdown.timeout", "2s");
    return o;
  }

  @Test
  void lookupAndIdempotencySurviveARestart() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    List<String> bodies = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (TestServer s = TestServer.startRaw(config(data))) {
      for (int i = 0; i < 10; i++) {
        String body = i % 2 == 0
            ? "{\"type\":\"restart.test\",\"data\":{\"i\":" + i + "}}"
            : "{\"type\":\"restart.test\",\"id\":\"restart-" + i + "\",\"data\":{\"i\":" + i + "}}";
        HttpResponse<String> r = event(s, body, "Idempotency-Key", i % 2 == 0 ? "rk-" + i : "unused-" + i);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(json(r).get("durability").asText()).isEqualTo("fsync");
        bodies.add(body);
        ids.add(json(r).get("id").asText());
      }
    }
    try (TestServer s = TestServer.startRaw(config(data))) {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> got = s.get("/v1/events/" + ids.get(i), s.adminKey());
        assertThat(got.statusCode()).as(ids.get(i)).isEqualTo(200);
        assertThat(json(got).get("data").get("i").asInt()).isEqualTo(i);
        HttpResponse<String> again = event(s, bodies.get(i), "Idempotency-Key", i % 2 == 0 ? "rk-" + i : "unused-" + i);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(json(again).get("id").asText()).isEqualTo(ids.get(i));
      }
      assertThat(countRecords(s.context().eventLog())).isEqualTo(10);
    }
  }

  @Test
  void serverAssignedIdsAreFoundThroughTheirSpansAfterARestart() throws Exception {
    // events with server-assigned ids and no key get no index entry of their own: they are found
    // through the spans of the millisecond their id carries (more than one span per partition here)
    Path data = Files.createDirectories(dir.resolve("spans"));
    List<String> ids = new ArrayList<>();
    String lookalike = "evt_00000000000000000000000000"; // a client's id of the server's form, made at ms 0
    try (TestServer s = TestServer.startRaw(config(data))) {
      for (int b = 0; b < 3; b++) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 1_000; i++) {
          body.append(i == 0 ? "" : ",").append("{\"type\":\"span.test\",\"data\":{\"i\":").append(b * 1_000 + i).append("}}");
        }
        HttpResponse<String> r = IngestClient.batch(s, "application/json", body.append(']').toString());
        assertThat(r.statusCode()).isEqualTo(202);
        json(r).get("accepted").forEach(x -> ids.add(x.get("id").asText()));
      }
      assertThat(event(s, "{\"type\":\"span.test\",\"id\":\"" + lookalike + "\",\"data\":{\"i\":-1}}").statusCode())
          .isEqualTo(202);
    }
    assertThat(ids).hasSize(3_000);
    try (TestServer s = TestServer.startRaw(config(data))) {
      java.util.Random random = new java.util.Random(7);
      for (int k = 0; k < 60; k++) {
        int i = k < 3 ? k * 1_499 : random.nextInt(ids.size());
        HttpResponse<String> got = s.get("/v1/events/" + ids.get(i), s.adminKey());
        assertThat(got.statusCode()).as(ids.get(i)).isEqualTo(200);
        assertThat(json(got).get("data").get("i").asInt()).isEqualTo(i);
      }
      HttpResponse<String> client = s.get("/v1/events/" + lookalike, s.adminKey());
      assertThat(client.statusCode()).isEqualTo(200);
      assertThat(json(client).get("data").get("i").asInt()).isEqualTo(-1);
      String unknown = EventIds.next(EventIds.millis(ids.get(0)));
      assertThat(s.get("/v1/events/" + unknown, s.adminKey()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aFullLogAnswers503WithRetryAfterAndIsNotReadyUntilRoomComesBackEvenAfterARestart() throws Exception {
    Map<String, Object> c = config(Files.createDirectories(dir.resolve("full")));
    c.put("log.max-bytes", "64KiB"); // not ready with less than 4 KiB (64 KiB / 16) left
    try (TestServer s = TestServer.startRaw(c)) {
      assertThat(s.get("/readyz", null).statusCode()).isEqualTo(200);
      // events smaller than that headroom: once one is refused, less than the headroom is left
      String body = "{\"type\":\"fill.up\",\"data\":\"" + "f".repeat(3_000) + "\"}";
      HttpResponse<String> last = null;
      for (int i = 0; i < 100; i++) {
        last = event(s, body);
        if (last.statusCode() != 202) break;
      }
      assertThat(last.statusCode()).isEqualTo(503);
      assertThat(json(last).get("type").asText()).endsWith("/log-full");
      assertThat(last.headers().firstValue("Retry-After")).isPresent();
      assertNotReadyForTheBudget(s);
      assertThat(event(s, "{\"type\":\"fill.small\",\"data\":1}").statusCode()).as("a small event still fits").isEqualTo(202);
      assertNotReadyForTheBudget(s);
    }
    try (TestServer s = TestServer.startRaw(c)) {
      assertNotReadyForTheBudget(s);
    }
  }

  private static void assertNotReadyForTheBudget(TestServer s) {
    HttpResponse<String> ready = s.get("/readyz", null);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(json(ready).get("checks").get("log").get("detail").asText()).contains("log byte budget full");
  }

  @Test
  void concurrentRepeatsOfOneKeyAppendItOnce() throws Exception {
    try (TestServer s = TestServer.startRaw(config(Files.createDirectories(dir.resolve("race"))))) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        for (int round = 0; round < 5; round++) {
          String key = "race-" + round;
          List<Future<HttpResponse<String>>> fs = new ArrayList<>();
          for (int i = 0; i < 16; i++) {
            fs.add(pool.submit(() -> event(s, "{\"type\":\"race.test\",\"data\":1}", "Idempotency-Key", key)));
          }
          int fresh = 0;
          String id = null;
          for (Future<HttpResponse<String>> f : fs) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isIn(202, 409);
            if (r.statusCode() == 202) {
              if (r.headers().firstValue("Idempotent-Replayed").isEmpty()) fresh++;
              if (id == null) id = json(r).get("id").asText();
              assertThat(json(r).get("id").asText()).isEqualTo(id);
            }
          }
          assertThat(fresh).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(countRecords(s.context().eventLog())).isEqualTo(5);
    }
  }

  static long countRecords(EventLog log) {
    long n = 0;
    for (int p = 0; p < log.partitions(); p++) {
      long pos = log.startPosition(p);
      while (pos < log.endPosition(p)) {
        List<LogRecord> rs = log.read(p, pos, 1_000, Duration.ZERO);
        n += rs.size();
        pos = rs.get(rs.size() - 1).position() + 1;
      }
    }
    return n;
  }
}
