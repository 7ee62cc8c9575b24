package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MemoryMetadataStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoints do not hurt each other; the circuit breaker and the SSRF guard protect both sides. */
class DeliveryIsolationTest {

  @Test
  void aSlowEndpointDoesNotDelayAFastOneAndTheLogCommitMovesOn() throws Exception {
    DeliveryConfig cfg = DeliveryHarness.testConfig().withSpill(Duration.ofMillis(300), 10_000);
    try (DeliveryHarness h = new DeliveryHarness(cfg)) {
      Receiver slow = h.receiver();
      Receiver fast = h.receiver();
      slow.behaviour = r -> new Receiver.Answer(200, null, -1); // holds every request until released
      Endpoint slowEp = h.endpoint(slow.url(), "*");
      h.endpoint(fast.url(), "*");
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) ids.add(h.append("order.created").id());
      await().atMost(Duration.ofSeconds(20)).until(() -> fast.received.size() == 100);
      // the slow endpoint's pairs (queued and in flight) are parked durably, so every position commits
      await().atMost(Duration.ofSeconds(20)).until(() -> h.lag() == 0);
      assertThat(slow.received.size()).as("held at max_in_flight").isLessThanOrEqualTo(16);
      slow.release();
      // and the slow endpoint still gets every event, from the store
      await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> h.store.deliveries()
          .find(WebhookSigner.messageId(id, slowEp.id())).map(d -> d.status() == DeliveryStatus.DELIVERED).orElse(false)));
      assertThat(slow.all().stream().map(r -> r.header("webhook-id")).distinct().count()).isEqualTo(100);
    }
  }

  @Test
  void theCircuitOpensAfterConsecutiveFailuresPausesThenAProbeResumesDelivery() throws Exception {
    DeliveryConfig cfg = DeliveryHarness.testConfig().withBreaker(3, Duration.ofSeconds(1))
        .withRetry(new RetryPolicy(List.of(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100),
            Duration.ofMillis(100), Duration.ofMillis(100)), 0.0, Duration.ZERO));
    try (DeliveryHarness h = new DeliveryHarness(cfg)) {
      Receiver r = h.receiver();
      r.behaviour = got -> Receiver.Answer.of(500);
      Endpoint ep = h.store.endpoints().find(h.endpoint(r.url(), "*").id()).orElseThrow();
      h.store.endpoints().update(new Endpoint(ep.id(), ep.url(), ep.eventTypes(), null, null, 1, 5_000, null, true, null,
          ep.headers(), null, ep.secret(), null, null, null, ep.createdAt(), ep.updatedAt()));
      h.service.reloadEndpoints();
      for (int i = 0; i < 5; i++) h.append("order.created");
      await().atMost(Duration.ofSeconds(5)).until(() -> r.received.size() >= 3);
      Thread.sleep(200);
      int atOpen = r.received.size();
      Thread.sleep(500);
      assertThat(r.received.size()).as("no requests while the circuit is open").isEqualTo(atOpen);
      r.behaviour = got -> Receiver.Answer.of(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.store.deliveries().list(ep.id(), DeliveryStatus.DELIVERED, null, 10)
          .items().size() == 5);
      await().atMost(Duration.ofSeconds(5)).until(() -> h.lag() == 0);
    }
  }

  @Test
  void privateTargetsAreRefusedAtDeliveryUnlessAllowedByConfig() throws Exception {
    DeliveryConfig strict = DeliveryHarness.testConfig().withAllowPrivateTargets(false)
        .withRetry(new RetryPolicy(List.of(), 0.0, Duration.ZERO));
    try (DeliveryHarness h = new DeliveryHarness(strict)) {
      Receiver r = h.receiver();
      Endpoint ep = h.endpoint(r.url(), "*");
      Event e = h.append("order.created");
      String id = WebhookSigner.messageId(e.id(), ep.id());
      await().atMost(Duration.ofSeconds(5)).until(() -> h.store.deliveries().find(id).isPresent());
      assertThat(h.store.deliveries().find(id).orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(h.store.attempts().forDelivery(id)).extracting(Attempt::error).containsExactly("ssrf_refused");
      assertThat(r.received).isEmpty();
    }
    DeliveryConfig listed = new DeliveryConfig(false, List.of(Cidr.parse("127.0.0.0/8")), strict.retry(),
        strict.defaultTimeout(), 16, 20_000, true, 10, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofDays(5),
        Duration.ofHours(24), Duration.ofSeconds(10), 10_000, Duration.ofSeconds(1), Duration.ofMillis(200), "Kyanite-Webhooks/1.0");
    Vertx vertx = Vertx.vertx();
    try (DeliveryHarness h = new DeliveryHarness(vertx, true, new MemoryEventLog(1), new MemoryMetadataStore(), listed,
        EventPipeline.identity())) {
      Receiver r = h.receiver();
      h.endpoint(r.url(), "*");
      h.append("order.created");
      await().atMost(Duration.ofSeconds(5)).until(() -> r.received.size() == 1);
    }
  }
}
