package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1, crash loop: writers ingest single and batch events with idempotency keys as fast as
 * they can while the server delivers them to a local receiver; the server gets {@code kill -9} at
 * random moments (5 times, 20 with {@code -Dkyanite.long=true}) and restarts on the same data dir.
 * Afterwards every acknowledged event is readable, reached the receiver at least once, and no event
 * (acknowledged or retried after an unanswered request) is in the log twice.
 */
@Order(1)
class CrashLoopTest {
  @TempDir Path dir;

  @Test
  void acknowledgedEventsSurviveRepeatedKillMinus9AndAreDeliveredAtLeastOnce() throws Exception {
    int kills = Suite.pick(5, 20);
    Random rnd = new Random();
    try (WebhookReceiver receiver = new WebhookReceiver();
        ChildServer server = Suite.server("crash-loop", dir)) {
      server.start();
      boolean delivery = Suite.deliveryAvailable();
      if (delivery) Api.admin(server).createEndpoint(receiver.url());
      EventWriter writer = new EventWriter(Api.admin(server), Suite.pick(2, 3), "crash").start();
      for (int k = 0; k < kills; k++) {
        int before = writer.acked().size();
        long until = System.currentTimeMillis() + 30_000;
        while (writer.acked().size() < before + 20 && System.currentTimeMillis() < until) Thread.sleep(5);
        Thread.sleep(rnd.nextInt(Suite.pick(300, 1_000)));
        server.kill();
        server.start();
        writer.target(Api.admin(server));
      }
      assertThat(writer.drain(Suite.pick(60_000, 180_000))).as("every unanswered event was resent and acknowledged").isTrue();
      writer.close();
      assertThat(writer.failures()).as("answers other than 202/409/503").isEmpty();
      Map<String, String> acked = writer.acked();
      assertThat(acked.keySet()).as("every event sent was finally acknowledged").containsAll(writer.sent());

      List<String> unreadable = readAll(Api.admin(server), acked);
      assertThat(unreadable).as("acknowledged events not readable by id").isEmpty();

      long duplicates = 0;
      if (delivery) {
        long until = System.currentTimeMillis() + Suite.pick(60_000, 180_000);
        while (System.currentTimeMillis() < until && acked.values().stream().anyMatch(id -> receiver.deliveries(id) == 0)) {
          Thread.sleep(200);
        }
        List<String> undelivered = acked.values().stream().filter(id -> receiver.deliveries(id) == 0).limit(20).toList();
        assertThat(undelivered).as("acknowledged events never delivered (first 20)").isEmpty();
        duplicates = receiver.duplicates();
      }
      server.stop();
      Map<String, Integer> copies = Suite.copiesByDataKey(dir, 4);
      assertThat(copies.keySet()).containsAll(writer.sent());
      assertThat(copies.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).limit(20).toList())
          .as("events stored more than once").isEmpty();
      System.out.printf("crash loop: %d kills survived, %d events acknowledged and read back, %d resend attempts, "
              + "%s, %d duplicate deliveries (%d webhook requests)%n", kills, acked.size(), writer.retries(),
          delivery ? receiver.distinct() + " delivered" : "delivery not in this build", duplicates, receiver.requests());
    }
  }

  /** GETs every acknowledged event in parallel; returns the ids that were missing or wrong. */
  static List<String> readAll(Api api, Map<String, String> acked) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> checks = new ArrayList<>();
      for (Map.Entry<String, String> a : acked.entrySet()) {
        checks.add(pool.submit(() -> {
          HttpResponse<String> r = api.get("/v1/events/" + a.getValue());
          if (r.statusCode() != 200) return a.getValue() + " → " + r.statusCode();
          String key = Api.json(r).path("data").path("key").asText();
          return key.equals(a.getKey()) ? null : a.getValue() + " has data.key " + key;
        }));
      }
      List<String> bad = new ArrayList<>();
      for (Future<String> f : checks) {
        String b = f.get();
        if (b != null && bad.size() < 20) bad.add(b);
      }
      return bad;
    } finally {
      pool.shutdownNow();
    }
  }
}
