package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class DeliveryTrackerTest {
  @Test
  void matchesAcksToDeliveriesInEitherOrder() {
    DeliveryTracker t = new DeliveryTracker(Mode.SINGLE);
    t.onAck(Buffer.buffer("{\"id\":\"evt_1\",\"received_at\":\"x\",\"durability\":\"fsync\"}"), 1_000_000, true);
    t.received("evt_1", 3_000_000);
    t.received("evt_2", 4_000_000); // overtakes its ack
    t.acked("evt_2", 5_000_000, true);
    t.sample();
    assertThat(t.pending()).isZero();
    assertThat(t.measured().getTotalCount()).isEqualTo(2);
    assertThat(t.measured().getMaxValue()).isBetween(1990L, 2010L); // 2 ms, in µs
    DeliveryTracker.Summary s = t.summary();
    assertThat(s.missing()).isZero();
    assertThat(s.duplicates()).isZero();
    assertThat(s.delivered()).isEqualTo(2);
    assertThat(t.span()).isEqualTo(0.003); // first ack at 1 ms, last delivery at 4 ms
  }

  @Test
  void countsMissingDuplicateAndUnexpectedDeliveries() {
    DeliveryTracker t = new DeliveryTracker(Mode.BATCH);
    t.onAck(Buffer.buffer("{\"accepted\":[{\"index\":0,\"id\":\"a\"},{\"index\":1,\"id\":\"b\"}],\"rejected\":[]}"), 0, true);
    t.received("a", 10);
    t.received("a", 20);
    t.received("zzz", 30);
    t.badSignature();
    DeliveryTracker.Summary s = t.summary();
    assertThat(s.acked()).isEqualTo(2);
    assertThat(s.missing()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(1);
    assertThat(s.unexpected()).isEqualTo(1);
    assertThat(s.badSignatures()).isEqualTo(1);
    assertThat(t.pending()).isEqualTo(1);
  }

  @Test
  void warmUpAcksAreTrackedButNotTimed() {
    DeliveryTracker t = new DeliveryTracker(Mode.SINGLE);
    t.acked("w", 0, false);
    t.received("w", 1_000_000);
    t.sample();
    assertThat(t.measured().getTotalCount()).isZero();
    assertThat(t.summary().missing()).isZero();
  }
}
