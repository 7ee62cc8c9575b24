package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.server.ChildServer;
import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a child JVM ({@link ChildServer}: file log, SQLite; its output in
 * {@code target/child-servers/delivery-crash.log}) delivering to a loopback receiver while clients post
 * events; it is killed with SIGKILL mid-delivery and restarted on the same data dir. Every event
 * acknowledged with 202 must reach the receiver at least once, and every copy of an event must carry
 * the same {@code webhook-id}. One kill by default, more with {@code -Dkyanite.long=true}.
 */
class DeliveryCrashTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String KEY = TestServer.ADMIN_KEY;

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everyAcknowledgedEventIsDeliveredAtLeastOnceWithOneWebhookIdAcrossKillMinus9() throws Exception {
    int rounds = Boolean.getBoolean("kyanite.long") ? 5 : 1;
    Random random = new Random();
    Vertx vertx = Vertx.vertx();
    Receiver receiver = new Receiver(vertx);
    // answers after a few ms so that deliveries are in flight when the server dies
    receiver.behaviour = r -> new Receiver.Answer(200, null, 1 + random.nextInt(10));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    String endpointId = null;
    ChildServer server = new ChildServer("delivery-crash", dir).adminKey(KEY).set("delivery.allow-private-targets", true);
    try (server) {
      for (int round = 0; round < rounds; round++) {
        server.start();
        int port = server.port();
        if (endpointId == null) {
          HttpResponse<String> ep = send(port, "POST", "/v1/endpoints",
              "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"crash.*\"]}");
          assertThat(ep.statusCode()).as(ep.body()).isEqualTo(201);
          endpointId = M.readTree(ep.body()).get("id").asText();
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Thread th = new Thread(() -> {
            while (!stop.get()) {
              try {
                HttpResponse<String> res = send(port, "POST", "/v1/events", "{\"type\":\"crash.test\",\"data\":{\"pad\":\"x\"}}");
                if (res.statusCode() == 202) acked.add(M.readTree(res.body()).get("id").asText());
              } catch (Exception e) {
                return; // the server died
              }
            }
          });
          th.start();
          clients.add(th);
        }
        int before = acked.size();
        long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((acked.size() < before + 300 || receiver.received.size() < 100) && System.nanoTime() < warm) Thread.sleep(20);
        Thread.sleep(random.nextInt(500));
        server.kill(); // SIGKILL, with deliveries in flight
        stop.set(true);
        for (Thread th : clients) th.join(10_000);
      }
      assertThat(acked).isNotEmpty();
      server.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && !receivedAll(receiver, acked)) Thread.sleep(100);
      server.stop();
      Map<String, Set<String>> idsPerEvent = new ConcurrentHashMap<>();
      for (Receiver.Received r : receiver.all()) {
        idsPerEvent.computeIfAbsent(M.readTree(r.body()).get("id").asText(), k -> ConcurrentHashMap.newKeySet())
            .add(r.header("webhook-id"));
      }
      assertThat(idsPerEvent.keySet()).as("acknowledged events delivered").containsAll(acked);
      String ep = endpointId;
      assertThat(idsPerEvent).allSatisfy((event, ids) -> assertThat(ids).as("webhook-ids of %s", event)
          .containsExactly(WebhookSigner.messageId(event, ep)));
      System.out.printf("delivery crash test: %d rounds, %d acked, %d requests received, %d distinct events%n", rounds,
          acked.size(), receiver.received.size(), idsPerEvent.size());
    } catch (Throwable t) {
      server.attachLogTail(t); // after close(): the tail includes the shutdown
      throw t;
    } finally {
      receiver.close();
      vertx.close();
    }
  }

  private static boolean receivedAll(Receiver receiver, Set<String> acked) {
    Set<String> got = ConcurrentHashMap.newKeySet();
    for (Receiver.Received r : receiver.all()) {
      try {
        got.add(M.readTree(r.body()).get("id").asText());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return got.containsAll(acked);
  }

  private HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(10));
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
