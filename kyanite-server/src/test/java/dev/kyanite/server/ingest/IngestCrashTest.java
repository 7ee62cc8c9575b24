package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.log.FileEventLog;
import dev.kyanite.log.FileLogOptions;
import dev.kyanite.server.ChildServer;
import dev.kyanite.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a child JVM on the file log ({@link ChildServer}; its output in
 * {@code target/child-servers/ingest-crash.log}); clients send keyed events concurrently; the server
 * is killed with SIGKILL at a random moment and restarted on the same data dir. Every event that
 * got a 202 must be readable, and resending every event (acknowledged or not) must create no
 * duplicate: each idempotency key appears at most once in the log. One kill by default, several
 * with {@code -Dkyanite.long=true}.
 */
class IngestCrashTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String KEY = TestServer.ADMIN_KEY;

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everyAcknowledgedEventSurvivesKillMinus9AndResendsCreateNoDuplicates() throws Exception {
    int rounds = Boolean.getBoolean("kyanite.long") ? 5 : 1;
    Random random = new Random();
    Map<String, String> bodies = new ConcurrentHashMap<>(); // idempotency key → body
    Map<String, String> acked = new ConcurrentHashMap<>(); // idempotency key → event id
    int sent = 0;
    ChildServer server = new ChildServer("ingest-crash", dir).adminKey(KEY);
    try (server) {
      for (int round = 0; round < rounds; round++) {
        server.start();
        int port = server.port();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        int r = round;
        for (int t = 0; t < 8; t++) {
          int client = t;
          Thread th = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
              String key = "r" + r + "-c" + client + "-" + i;
              String body = "{\"type\":\"crash.test\",\"data\":{\"key\":\"" + key + "\",\"pad\":\"" + "p".repeat(200) + "\"}}";
              bodies.put(key, body);
              try {
                HttpResponse<String> res = post(port, body, key);
                if (res.statusCode() == 202) acked.put(key, M.readTree(res.body()).get("id").asText());
              } catch (Exception e) {
                return; // the server died
              }
            }
          });
          th.start();
          clients.add(th);
        }
        int before = acked.size();
        long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (acked.size() < before + 300 && System.nanoTime() < warm) Thread.sleep(20);
        Thread.sleep(random.nextInt(1_000));
        server.kill(); // SIGKILL
        stop.set(true);
        for (Thread th : clients) th.join(10_000);
        sent = bodies.size();
      }
      assertThat(acked).as("events acknowledged before the kill").isNotEmpty();

      server.start();
      int port = server.port();
      for (Map.Entry<String, String> a : acked.entrySet()) {
        HttpResponse<String> got = get(port, "/v1/events/" + a.getValue());
        assertThat(got.statusCode()).as("acked event %s (%s)", a.getValue(), a.getKey()).isEqualTo(200);
        assertThat(M.readTree(got.body()).get("data").get("key").asText()).isEqualTo(a.getKey());
      }
      for (Map.Entry<String, String> b : bodies.entrySet()) {
        HttpResponse<String> res = post(port, b.getValue(), b.getKey());
        assertThat(res.statusCode()).isEqualTo(202);
        String ackedId = acked.get(b.getKey());
        if (ackedId != null) {
          assertThat(res.headers().firstValue("Idempotent-Replayed")).contains("true");
          assertThat(M.readTree(res.body()).get("id").asText()).isEqualTo(ackedId);
        }
      }
      server.stop(); // graceful, before the log is read directly
    } catch (Throwable t) {
      server.attachLogTail(t); // after close(): the tail includes the shutdown
      throw t;
    }

    Map<String, Integer> perKey = new HashMap<>();
    try (FileEventLog log = FileEventLog.open(dir.resolve("log"), FileLogOptions.builder().partitions(4).build())) {
      for (int p = 0; p < log.partitions(); p++) {
        long pos = log.startPosition(p);
        while (pos < log.endPosition(p)) {
          List<LogRecord> rs = log.read(p, pos, 1_000, Duration.ZERO);
          for (LogRecord rec : rs) {
            JsonNode e = M.readTree(rec.payload());
            perKey.merge(e.get("data").get("key").asText(), 1, Integer::sum);
          }
          pos = rs.get(rs.size() - 1).position() + 1;
        }
      }
    }
    assertThat(perKey.keySet()).containsAll(bodies.keySet());
    assertThat(perKey.entrySet()).allSatisfy(e -> assertThat(e.getValue()).as("copies of %s", e.getKey()).isEqualTo(1));
    System.out.printf("crash test: %d rounds, %d sent, %d acked, %d in the log%n", rounds, sent, acked.size(), perKey.size());
  }

  private HttpResponse<String> post(int port, String body, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .header("Idempotency-Key", key).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
