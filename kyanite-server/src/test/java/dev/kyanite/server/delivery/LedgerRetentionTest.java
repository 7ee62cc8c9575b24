package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryUpdate;
import dev.kyanite.core.store.MemoryMetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerRetentionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Delivery delivery(String id, DeliveryStatus status, Instant at) {
    return new Delivery(id, "evt_" + id, "ep_1", "order.created", status, 1, status.scheduled() ? at.plusSeconds(60) : null,
        500, "http", null, at, at);
  }

  @Test
  void deletesFinishedDeliveriesAndAttemptsOlderThanTheRetentionOnly() {
    MemoryMetadataStore store = new MemoryMetadataStore();
    Delivery oldFailed = delivery("old", DeliveryStatus.FAILED, T0);
    Delivery oldRetrying = delivery("retrying", DeliveryStatus.RETRYING, T0);
    Delivery recent = delivery("recent", DeliveryStatus.FAILED, T0.plus(Duration.ofDays(20)));
    store.recordDeliveries(List.of(
        new DeliveryUpdate(oldFailed, new Attempt("a1", "old", "evt_old", "ep_1", 1, T0, 5, 500, "http", null)),
        new DeliveryUpdate(oldRetrying, new Attempt("a2", "retrying", "evt_retrying", "ep_1", 1, T0, 5, 503, "http", null)),
        new DeliveryUpdate(recent, null)), false);
    Clock now = Clock.fixed(T0.plus(Duration.ofDays(31)), ZoneOffset.UTC);

    assertThat(new LedgerRetention(store, Duration.ofDays(30), now).pruneNow()).isEqualTo(2);
    assertThat(store.deliveries().find("old")).isEmpty();
    assertThat(store.attempts().forDelivery("old")).isEmpty();
    assertThat(store.deliveries().find("retrying")).isPresent();
    assertThat(store.attempts().forDelivery("retrying")).hasSize(1);
    assertThat(store.deliveries().find("recent")).isPresent();
  }

  @Test
  void aRetentionOfZeroKeepsEverythingAndSchedulesNothing() {
    LedgerRetention keepAll = new LedgerRetention(new MemoryMetadataStore(), Duration.ZERO, Clock.systemUTC());
    keepAll.start(null, Runnable::run);
    assertThat(keepAll.scheduled()).isFalse();
  }
}
