package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kyanite.core.store.DeliveryStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A full endpoint queue: a busy endpoint makes the log consumer wait (the log keeps the backlog, the
 * store is not touched per pair); a stuck one gets its overflow spilled so others keep going.
 */
class DeliveryBackpressureTest {

  @Test
  void aBusyEndpointSlowsTheConsumerDownInsteadOfParkingPairsInTheStore() throws Exception {
    DeliveryConfig cfg = DeliveryHarness.testConfig().withSpill(Duration.ofSeconds(30), 20);
    try (DeliveryHarness h = new DeliveryHarness(cfg)) {
      Receiver r = h.receiver();
      r.behaviour = x -> new Receiver.Answer(200, null, 2); // 16 in flight, 2 ms each: busy, not slow
      h.endpoint(r.url(), "*");
      for (int i = 0; i < 1_000; i++) h.append("order.created");
      await().atMost(Duration.ofSeconds(30)).until(() -> r.received.size() >= 1_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.lag() == 0);
      assertThat(h.service.metrics().parked()).as("pairs parked in the store").isZero();
      assertThat(h.store.deliveries().list(null, DeliveryStatus.PENDING, null, 10).items()).isEmpty();
    }
  }

  @Test
  void aStuckEndpointWithAFullQueueDoesNotHoldUpAFastOne() throws Exception {
    DeliveryConfig cfg = DeliveryHarness.testConfig().withSpill(Duration.ofSeconds(30), 20)
        .withQueueWait(Duration.ofMillis(300));
    try (DeliveryHarness h = new DeliveryHarness(cfg)) {
      Receiver stuck = h.receiver();
      Receiver fast = h.receiver();
      stuck.behaviour = x -> new Receiver.Answer(200, null, -1); // holds every request until released
      h.endpoint(stuck.url(), "*");
      h.endpoint(fast.url(), "*");
      for (int i = 0; i < 500; i++) h.append("order.created");
      // well before park-after (30 s) would move the stuck endpoint's queue to the store
      await().atMost(Duration.ofSeconds(10)).until(() -> fast.received.size() >= 500);
      assertThat(h.service.metrics().parked()).as("overflow of the stuck endpoint, spilled").isGreaterThan(0);
      stuck.release();
      await().atMost(Duration.ofSeconds(30)).until(() -> stuck.all().stream()
          .map(x -> x.header("webhook-id")).distinct().count() == 500);
      assertThat(List.of(fast.received.size())).containsExactly(500);
    }
  }
}
