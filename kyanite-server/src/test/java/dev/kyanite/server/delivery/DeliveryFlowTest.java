package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.server.CountingLog;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events appended to the log reach real loopback receivers, signed, fanned out by type globs. */
class DeliveryFlowTest {
  private DeliveryHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new DeliveryHarness(DeliveryHarness.testConfig());
  }

  @AfterEach
  void stop() throws Exception {
    h.close();
  }

  @Test
  void fansOutToEveryEndpointWhoseTypeGlobMatches() throws Exception {
    Receiver orders = h.receiver();
    Receiver everything = h.receiver();
    Receiver users = h.receiver();
    h.endpoint(orders.url(), "order.*");
    h.endpoint(everything.url(), "*");
    h.endpoint(users.url(), "user.created", "user.deleted");
    Event o1 = h.append("order.created");
    Event o2 = h.append("order.item.added");
    Event u1 = h.append("user.created");
    h.append("billing.charged");
    await().atMost(Duration.ofSeconds(10)).until(() -> everything.received.size() == 4);
    await().atMost(Duration.ofSeconds(5)).until(() -> orders.received.size() == 2 && users.received.size() == 1);
    assertThat(orders.bodies()).anyMatch(b -> b.contains(o1.id())).anyMatch(b -> b.contains(o2.id()));
    assertThat(users.bodies()).singleElement().asString().contains(u1.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> h.lag() == 0);
  }

  @Test
  void whileNothingListensEventsArePassedOverUnreadAndOnesAppendedAfterAnEndpointAreDelivered() throws Exception {
    h.close();
    CountingLog log = new CountingLog(new MemoryEventLog(2));
    h = new DeliveryHarness(Vertx.vertx(), true, log, new MemoryMetadataStore(), DeliveryHarness.testConfig(),
        EventPipeline.identity());
    for (int round = 0; round < 20; round++) { // 20,000 events in batches of 500 per partition
      for (int p = 0; p < 2; p++) {
        List<byte[]> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) batch.add(EventCodec.encode(DeliveryHarness.event("order.created")));
        log.append(p, batch).join();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> h.lag() == 0);
    // one record per wait for appends, and the rest passed over: about one per batch, not 20,000
    assertThat(log.recordsRead).isLessThan(1_000);
    Receiver r = h.receiver();
    h.endpoint(r.url(), "order.*");
    Event after = h.append("order.created");
    await().atMost(Duration.ofSeconds(10)).until(() -> r.received.size() == 1);
    assertThat(r.bodies()).singleElement().asString().contains(after.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> h.lag() == 0);
  }

  @Test
  void requestsCarryTheEnvelopeAndStandardWebhooksHeadersThatAnIndependentLibraryVerifies() throws Exception {
    Receiver r = h.receiver();
    Endpoint ep = h.endpoint(r.url(), "order.*");
    Event e = h.append("order.created");
    await().atMost(Duration.ofSeconds(10)).until(() -> r.received.size() == 1);
    Receiver.Received got = r.all().get(0);
    new Webhook(ep.secret()).verify(got.body(), got.headerMap());
    assertThat(got.header("webhook-id")).isEqualTo(WebhookSigner.messageId(e.id(), ep.id()));
    assertThat(Long.parseLong(got.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
    assertThat(got.header("content-type")).isEqualTo("application/json");
    assertThat(got.header("user-agent")).startsWith("Kyanite-Webhooks/");
    JsonNode body = EventCodec.mapper().readTree(got.body());
    assertThat(body.get("id").asText()).isEqualTo(e.id());
    assertThat(body.get("type").asText()).isEqualTo("order.created");
    assertThat(body.get("received_at").asText()).isEqualTo(e.receivedAt().toString());
    assertThat(body.get("time").asText()).isEqualTo(e.receivedAt().toString());
    assertThat(body.get("source").asText()).isEqualTo("test");
    assertThat(body.get("subject").asText()).isEqualTo(e.subject());
    assertThat(body.get("data")).isEqualTo(e.data());
  }

  @Test
  void afterASecretRotationBothTheOldAndTheNewSecretVerify() throws Exception {
    Receiver r = h.receiver();
    Endpoint ep = h.endpoint(r.url(), "*");
    String newSecret = WebhookSigner.newSecret(new java.security.SecureRandom());
    h.store.endpoints().update(ep.withSecret(newSecret, Instant.now().plus(Duration.ofHours(24)), Instant.now()));
    h.service.reloadEndpoints();
    h.append("order.created");
    await().atMost(Duration.ofSeconds(10)).until(() -> r.received.size() == 1);
    Receiver.Received got = r.all().get(0);
    assertThat(got.header("webhook-signature").split(" ")).hasSize(2);
    new Webhook(newSecret).verify(got.body(), got.headerMap());
    new Webhook(ep.secret()).verify(got.body(), got.headerMap());
  }

  @Test
  void failedAttemptsAreRetriedOnTheScheduleUntilDeliveredKeepingTheSameWebhookId() throws Exception {
    Receiver r = h.receiver();
    r.behaviour = got -> Receiver.Answer.of(r.received.size() < 3 ? 500 : 204);
    Endpoint ep = h.endpoint(r.url(), "*");
    Event e = h.append("order.created");
    String id = WebhookSigner.messageId(e.id(), ep.id());
    await().atMost(Duration.ofSeconds(10)).until(() -> h.store.deliveries().find(id)
        .map(d -> d.status() == DeliveryStatus.DELIVERED).orElse(false));
    assertThat(r.all()).extracting(x -> x.header("webhook-id")).containsExactly(id, id, id);
    await().atMost(Duration.ofSeconds(5)).until(() -> h.store.attempts().forDelivery(id).size() == 3);
    assertThat(h.store.attempts().forDelivery(id)).extracting(a -> a.status()).containsExactly(500, 500, 204);
    assertThat(h.store.attempts().forDelivery(id).get(0).responseBody()).isEqualTo("answer 500");
    assertThat(h.store.attempts().forDelivery(id).get(0).error()).isEqualTo("http");
  }

  @Test
  void retryAfterOn503IsHonouredWithinTwiceTheScheduledDelay() throws Exception {
    Receiver r = h.receiver();
    r.behaviour = got -> r.received.size() == 1 ? new Receiver.Answer(503, "2", 0) : Receiver.Answer.of(200);
    h.endpoint(r.url(), List.of(Duration.ofSeconds(1)), "*");
    h.append("order.created");
    await().atMost(Duration.ofSeconds(10)).until(() -> r.received.size() == 2);
    List<Receiver.Received> all = r.all();
    long gapMs = (all.get(1).atNanos() - all.get(0).atNanos()) / 1_000_000;
    assertThat(gapMs).as("waited for Retry-After: 2 (scheduled 1 s, cap 2 s)").isBetween(1_900L, 3_000L);
  }

  @Test
  void goneDisablesTheEndpointAndFailsTheDelivery() throws Exception {
    Receiver r = h.receiver();
    r.behaviour = got -> Receiver.Answer.of(410);
    Endpoint ep = h.endpoint(r.url(), "*");
    Event e = h.append("order.created");
    await().atMost(Duration.ofSeconds(10)).until(() -> !h.store.endpoints().find(ep.id()).orElseThrow().enabled());
    assertThat(h.store.endpoints().find(ep.id()).orElseThrow().disabledReason()).isEqualTo("gone");
    Delivery d = h.store.deliveries().find(WebhookSigner.messageId(e.id(), ep.id())).orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    h.append("order.created");
    Thread.sleep(300);
    assertThat(r.received).hasSize(1);
  }

  @Test
  void afterTheLastAttemptTheDeliveryIsDeadLetteredAndAManualRetryResendsIt() throws Exception {
    Receiver r = h.receiver();
    r.behaviour = got -> Receiver.Answer.of(500);
    Endpoint ep = h.endpoint(r.url(), "*");
    Event e = h.append("order.created");
    String id = WebhookSigner.messageId(e.id(), ep.id());
    await().atMost(Duration.ofSeconds(10)).until(() -> h.store.deliveries().find(id)
        .map(d -> d.status() == DeliveryStatus.FAILED).orElse(false));
    assertThat(r.received).hasSize(3); // first attempt + 2 scheduled retries
    assertThat(h.store.deliveries().list(ep.id(), DeliveryStatus.FAILED, null, 10).items()).extracting(Delivery::id).containsExactly(id);
    await().atMost(Duration.ofSeconds(5)).until(() -> h.lag() == 0);

    r.behaviour = got -> Receiver.Answer.of(200);
    assertThat(h.service.retry(id)).isPresent();
    await().atMost(Duration.ofSeconds(5)).until(() -> h.store.deliveries().find(id)
        .map(d -> d.status() == DeliveryStatus.DELIVERED).orElse(false));
    assertThat(r.received).hasSize(4);
    assertThat(r.all()).extracting(x -> x.header("webhook-id")).containsOnly(id);
    assertThat(h.store.deliveries().find(id).orElseThrow().attempts()).isEqualTo(4);
  }
}
