package dev.kyanite.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of the endpoint, delivery and attempt sub-stores. Every {@link MetadataStore} backend
 * extends this with a fresh, empty store per test.
 */
public abstract class DeliveryStoresContract {
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private MetadataStore store;

  /** A new, empty store. */
  protected abstract MetadataStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  public static Endpoint endpoint(String id) {
    return new Endpoint(id, "https://example.com/hook/" + id, List.of("order.*", "user.created"), "desc", 50.0, 8, 5000,
        List.of(Duration.ofSeconds(1), Duration.ofMinutes(2)), true, null, Map.of("X-Tenant", "t1"), "data.amount > 1",
        "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", null, null, null, T0, T0);
  }

  static Delivery delivery(String id, String endpointId, DeliveryStatus status, Instant created, Instant next) {
    return new Delivery(id, "evt_" + id, endpointId, "order.created", status, 1, next, 500, "http",
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8), created, created);
  }

  @Test
  void endpointRoundTripsEveryField() {
    Endpoint e = endpoint("ep_1").withSecret("whsec_bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3", T0.plusSeconds(60), T0.plusSeconds(1))
        .withFailingSince(T0.plusSeconds(2));
    store.endpoints().create(e);
    assertThat(store.endpoints().find("ep_1")).contains(e);
    Endpoint minimal = new Endpoint("ep_2", "http://h/", List.of("*"), null, null, 16, 15000, null, false, "gone",
        Map.of(), null, "whsec_x", null, null, null, T0, T0);
    store.endpoints().create(minimal);
    assertThat(store.endpoints().find("ep_2")).contains(minimal);
    assertThat(store.endpoints().list()).extracting(Endpoint::id).containsExactly("ep_1", "ep_2");
  }

  @Test
  void endpointIdsAreUniqueAndUpdatesAndDeletesReportMissingRows() {
    store.endpoints().create(endpoint("ep_1"));
    assertThatThrownBy(() -> store.endpoints().create(endpoint("ep_1"))).isInstanceOf(StoreException.class);
    Endpoint off = endpoint("ep_1").withEnabled(false, "gone", T0.plusSeconds(5));
    assertThat(store.endpoints().update(off)).isTrue();
    assertThat(store.endpoints().find("ep_1")).contains(off);
    assertThat(store.endpoints().update(endpoint("ep_9"))).isFalse();
    assertThat(store.endpoints().delete("ep_1")).isTrue();
    assertThat(store.endpoints().delete("ep_1")).isFalse();
    assertThat(store.endpoints().find("ep_1")).isEmpty();
  }

  @Test
  void deliveriesUpsertByIdAndRoundTrip() {
    Delivery d = delivery("msg_1", "ep_1", DeliveryStatus.RETRYING, T0, T0.plusSeconds(5));
    store.deliveries().upsertAll(List.of(d));
    Delivery got = store.deliveries().find("msg_1").orElseThrow();
    assertThat(got).usingRecursiveComparison().isEqualTo(d);
    Delivery done = new Delivery("msg_1", d.eventId(), "ep_1", d.eventType(), DeliveryStatus.DELIVERED, 2, null, 200,
        null, null, T0, T0.plusSeconds(6));
    store.deliveries().upsertAll(List.of(done));
    assertThat(store.deliveries().find("msg_1").orElseThrow()).usingRecursiveComparison().isEqualTo(done);
    assertThat(store.deliveries().find("msg_2")).isEmpty();
  }

  @Test
  void dueReturnsOnlyScheduledDeliveriesAtOrBeforeNowEarliestFirst() {
    store.deliveries().upsertAll(List.of(
        delivery("msg_a", "ep_1", DeliveryStatus.RETRYING, T0, T0.plusSeconds(30)),
        delivery("msg_b", "ep_1", DeliveryStatus.PENDING, T0, T0.plusSeconds(10)),
        delivery("msg_c", "ep_1", DeliveryStatus.RETRYING, T0, T0.plusSeconds(90)),
        delivery("msg_d", "ep_1", DeliveryStatus.FAILED, T0, T0),
        delivery("msg_e", "ep_1", DeliveryStatus.DELIVERED, T0, T0)));
    assertThat(store.deliveries().due(T0.plusSeconds(30), Set.of(), 10)).extracting(Delivery::id).containsExactly("msg_b", "msg_a");
    assertThat(store.deliveries().due(T0.plusSeconds(100), Set.of(), 1)).extracting(Delivery::id).containsExactly("msg_b");
    store.deliveries().upsertAll(List.of(delivery("msg_f", "ep_2", DeliveryStatus.PENDING, T0, T0)));
    assertThat(store.deliveries().due(T0.plusSeconds(100), Set.of("ep_1"), 10)).extracting(Delivery::id).containsExactly("msg_f");
    assertThat(store.deliveries().countScheduled()).isEqualTo(4);
  }

  @Test
  void failScheduledEndsOnlyTheScheduledDeliveriesOfOneEndpoint() {
    Delivery retrying = delivery("msg_a", "ep_1", DeliveryStatus.RETRYING, T0, T0.plusSeconds(30));
    store.deliveries().upsertAll(List.of(retrying,
        delivery("msg_b", "ep_1", DeliveryStatus.PENDING, T0, T0.plusSeconds(10)),
        delivery("msg_c", "ep_1", DeliveryStatus.DELIVERED, T0, null),
        delivery("msg_d", "ep_2", DeliveryStatus.RETRYING, T0, T0.plusSeconds(10))));
    Instant now = T0.plusSeconds(3);
    assertThat(store.deliveries().failScheduled("ep_1", "endpoint_deleted", now)).isEqualTo(2);
    Delivery failed = store.deliveries().find("msg_a").orElseThrow();
    assertThat(failed).usingRecursiveComparison().isEqualTo(new Delivery("msg_a", retrying.eventId(), "ep_1",
        retrying.eventType(), DeliveryStatus.FAILED, retrying.attempts(), null, retrying.lastStatus(), "endpoint_deleted",
        retrying.payload(), T0, now));
    assertThat(store.deliveries().find("msg_b").orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(store.deliveries().find("msg_c").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(store.deliveries().find("msg_d").orElseThrow().status()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(store.deliveries().due(T0.plusSeconds(100), Set.of(), 10)).extracting(Delivery::id).containsExactly("msg_d");
    assertThat(store.deliveries().failScheduled("ep_1", "endpoint_deleted", now)).isZero();
  }

  @Test
  void listFiltersAndPagesNewestFirstWithACursor() {
    List<Delivery> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(delivery("msg_" + i, i % 2 == 0 ? "ep_even" : "ep_odd", i < 5 ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED,
          T0.plusSeconds(i / 2), null));
    }
    store.deliveries().upsertAll(all);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      DeliveryPage page = store.deliveries().list(null, null, cursor, 3);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
      page.items().forEach(d -> seen.add(d.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).containsExactly("msg_6", "msg_5", "msg_4", "msg_3", "msg_2", "msg_1", "msg_0");
    assertThat(store.deliveries().list("ep_even", DeliveryStatus.FAILED, null, 10).items())
        .extracting(Delivery::id).containsExactly("msg_4", "msg_2", "msg_0");
    assertThat(store.deliveries().byEvent("evt_msg_3")).extracting(Delivery::id).containsExactly("msg_3");
  }

  @Test
  void attemptsAreReadPerDeliveryAndPerEventOldestFirst() {
    Attempt a1 = new Attempt("att_1", "msg_1", "evt_1", "ep_1", 1, T0, 12, 500, "http", "oops");
    Attempt a2 = new Attempt("att_2", "msg_1", "evt_1", "ep_1", 2, T0.plusSeconds(5), 3, null, "timeout", null);
    Attempt b1 = new Attempt("att_3", "msg_2", "evt_1", "ep_2", 1, T0.plusSeconds(1), 4, 200, null, "ok");
    store.attempts().appendAll(List.of(a2, b1));
    store.attempts().appendAll(List.of(a1));
    assertThat(store.attempts().forDelivery("msg_1")).containsExactly(a1, a2);
    assertThat(store.attempts().forEvent("evt_1")).containsExactly(a1, b1, a2);
    assertThat(store.attempts().forEvent("evt_x")).isEmpty();
  }

  private static Delivery delivered(String id, String eventId, String endpointId, Instant created) {
    return new Delivery(id, eventId, endpointId, "order.created", DeliveryStatus.DELIVERED, 1, null, 200, null, null, created,
        created.plusMillis(7));
  }

  private static Attempt success(String attemptId, Delivery d) {
    return new Attempt(attemptId, d.id(), d.eventId(), d.endpointId(), 1, d.createdAt().plusMillis(1), 6, 200, null, "ok");
  }

  private static DeliveryUpdate update(Delivery d, Attempt a) {
    return new DeliveryUpdate(d, a);
  }

  @Test
  void recordedFirstAttemptSuccessesReadAsADeliveryWithItsAttempt() {
    Delivery d = delivered("msg_1", "evt_1", "ep_1", T0);
    Attempt a = success("att_1", d);
    Delivery other = delivery("msg_2", "ep_2", DeliveryStatus.FAILED, T0.plusSeconds(1), null);
    Attempt otherAttempt = new Attempt("att_2", "msg_2", "evt_msg_2", "ep_2", 1, T0.plusSeconds(1), 9, 500, "http", "no");
    store.recordDeliveries(List.of(update(d, a), update(other, otherAttempt)), true);

    assertThat(store.deliveries().find("msg_1").orElseThrow()).usingRecursiveComparison().isEqualTo(d);
    assertThat(store.deliveries().byEvent("evt_1")).singleElement().usingRecursiveComparison().isEqualTo(d);
    assertThat(store.attempts().forDelivery("msg_1")).containsExactly(a);
    assertThat(store.attempts().forEvent("evt_1")).containsExactly(a);
    assertThat(store.attempts().forDelivery("msg_2")).containsExactly(otherAttempt);
    assertThat(store.deliveries().list(null, null, null, 10).items()).extracting(Delivery::id).containsExactly("msg_2", "msg_1");
    assertThat(store.deliveries().list("ep_1", DeliveryStatus.DELIVERED, null, 10).items()).extracting(Delivery::id)
        .containsExactly("msg_1");
    assertThat(store.deliveries().list(null, DeliveryStatus.FAILED, null, 10).items()).extracting(Delivery::id)
        .containsExactly("msg_2");
    assertThat(store.deliveries().due(T0.plusSeconds(100), Set.of(), 10)).isEmpty();
    assertThat(store.deliveries().countScheduled()).isZero();
  }

  @Test
  void theLatestRecordedStateOfADeliveryWinsAndEveryAttemptStays() {
    // a retrying pair, then delivered at the first attempt of a replay: delivered, no longer due
    Delivery retrying = delivery("msg_1", "ep_1", DeliveryStatus.RETRYING, T0, T0.plusSeconds(5));
    Attempt failed = new Attempt("att_f", "msg_1", "evt_msg_1", "ep_1", 1, T0, 3, 500, "http", "oops");
    store.recordDeliveries(List.of(update(retrying, failed)), false);
    Delivery replayed = delivered("msg_1", "evt_msg_1", "ep_1", T0.plusSeconds(10));
    Attempt ok = success("att_ok", replayed);
    store.recordDeliveries(List.of(update(replayed, ok)), true);
    assertThat(store.deliveries().find("msg_1").orElseThrow()).usingRecursiveComparison().isEqualTo(replayed);
    assertThat(store.deliveries().countScheduled()).isZero();
    assertThat(store.attempts().forDelivery("msg_1")).containsExactly(failed, ok);

    // delivered again (a redelivery after a crash): still one delivery, both attempts
    Delivery again = delivered("msg_1", "evt_msg_1", "ep_1", T0.plusSeconds(20));
    Attempt ok2 = success("att_ok2", again);
    store.recordDeliveries(List.of(update(again, ok2)), true);
    assertThat(store.deliveries().byEvent("evt_msg_1")).singleElement().usingRecursiveComparison().isEqualTo(again);
    assertThat(store.deliveries().list(null, null, null, 10).items()).extracting(Delivery::id).containsExactly("msg_1");
    assertThat(store.attempts().forEvent("evt_msg_1")).containsExactly(failed, ok, ok2);

    // then failing in a later replay, within one batch with a spilled pair: retrying and due again
    Delivery retryingAgain = delivery("msg_1", "ep_1", DeliveryStatus.RETRYING, T0.plusSeconds(30), T0.plusSeconds(35));
    Attempt failed2 = new Attempt("att_f2", "msg_1", "evt_msg_1", "ep_1", 1, T0.plusSeconds(30), 3, 503, "http", null);
    Delivery spilled = delivery("msg_2", "ep_1", DeliveryStatus.PENDING, T0.plusSeconds(30), T0.plusSeconds(31));
    store.recordDeliveries(List.of(update(retryingAgain, failed2), update(spilled, null)), false);
    assertThat(store.deliveries().find("msg_1").orElseThrow()).usingRecursiveComparison().isEqualTo(retryingAgain);
    assertThat(store.deliveries().due(T0.plusSeconds(40), Set.of(), 10)).extracting(Delivery::id)
        .containsExactly("msg_2", "msg_1");
    assertThat(store.deliveries().list(null, DeliveryStatus.DELIVERED, null, 10).items()).isEmpty();
    assertThat(store.attempts().forDelivery("msg_1")).containsExactly(failed, ok, ok2, failed2);
  }

  @Test
  void aFilteredPairIsRecordedOnlyWhenThePairHasNoRecordYet() {
    Delivery delivered = delivered("msg_d", "evt_d", "ep_1", T0);
    Delivery failed = delivery("msg_f", "ep_1", DeliveryStatus.FAILED, T0, null);
    store.recordDeliveries(List.of(update(delivered, success("att_d", delivered)), update(failed, null)), false);
    // the same event processed again under changed rules: neither attempted pair is overwritten
    Delivery filteredD = filtered("msg_d", "evt_d", "ep_1", T0.plusSeconds(1));
    Delivery filteredF = filtered("msg_f", "evt_msg_f", "ep_1", T0.plusSeconds(1));
    Delivery filteredNew = filtered("msg_n", "evt_n", "ep_2", T0.plusSeconds(1));
    store.recordDeliveries(List.of(update(filteredD, null), update(filteredF, null), update(filteredNew, null)), true);
    assertThat(store.deliveries().find("msg_d").orElseThrow()).usingRecursiveComparison().isEqualTo(delivered);
    assertThat(store.deliveries().find("msg_f").orElseThrow()).usingRecursiveComparison().isEqualTo(failed);
    assertThat(store.deliveries().find("msg_n").orElseThrow()).usingRecursiveComparison().isEqualTo(filteredNew);
    assertThat(store.deliveries().list(null, DeliveryStatus.FILTERED, null, 10).items()).extracting(Delivery::id)
        .containsExactly("msg_n");
    assertThat(store.deliveries().countScheduled()).isZero();
    assertThat(store.deliveries().due(T0.plusSeconds(100), Set.of(), 10)).extracting(Delivery::id).isEmpty();

    // a replay that delivers a filtered pair replaces it, as any later state does
    Delivery replayed = delivered("msg_n", "evt_n", "ep_2", T0.plusSeconds(2));
    store.recordDeliveries(List.of(update(replayed, success("att_n", replayed))), true);
    assertThat(store.deliveries().find("msg_n").orElseThrow()).usingRecursiveComparison().isEqualTo(replayed);
    assertThat(store.deliveries().byEvent("evt_n")).singleElement().usingRecursiveComparison().isEqualTo(replayed);
  }

  @Test
  void retentionForgetsOldFinishedDeliveriesAndAttemptsButKeepsScheduledOnes() {
    Instant old = T0;
    Instant recent = T0.plus(Duration.ofDays(40));
    Delivery oldDelivered = delivered("msg_od", "evt_od", "ep_1", old);
    Attempt oldOk = success("att_od", oldDelivered);
    Delivery oldFailed = delivery("msg_of", "ep_1", DeliveryStatus.FAILED, old, null);
    Attempt oldFail = new Attempt("att_of", "msg_of", "evt_msg_of", "ep_1", 1, old, 3, 500, "http", null);
    Delivery oldRetrying = delivery("msg_or", "ep_1", DeliveryStatus.RETRYING, old, recent);
    Attempt oldRetry = new Attempt("att_or", "msg_or", "evt_msg_or", "ep_1", 1, old, 3, 503, "http", null);
    Delivery newDelivered = delivered("msg_nd", "evt_nd", "ep_1", recent);
    Attempt newOk = success("att_nd", newDelivered);
    Delivery newFiltered = filtered("msg_nf", "evt_nf", "ep_2", recent);
    store.recordDeliveries(List.of(update(oldDelivered, oldOk), update(oldFailed, oldFail), update(oldRetrying, oldRetry),
        update(newDelivered, newOk), update(newFiltered, null)), false);

    Instant cutoff = T0.plus(Duration.ofDays(10));
    assertThat(store.deliveries().pruneFinishedBefore(cutoff)).isEqualTo(2);
    // at least the failed one's (a store may keep a first-attempt success's attempt with its delivery,
    // and then it went with it); the retrying one's stays
    assertThat(store.attempts().pruneBefore(cutoff)).isPositive();

    assertThat(store.deliveries().find("msg_od")).isEmpty();
    assertThat(store.deliveries().find("msg_of")).isEmpty();
    assertThat(store.deliveries().find("msg_or")).isPresent();
    assertThat(store.deliveries().due(recent, Set.of(), 10)).extracting(Delivery::id).containsExactly("msg_or");
    assertThat(store.attempts().forDelivery("msg_or")).containsExactly(oldRetry);
    assertThat(store.attempts().forDelivery("msg_of")).isEmpty();
    assertThat(store.deliveries().find("msg_nd").orElseThrow()).usingRecursiveComparison().isEqualTo(newDelivered);
    assertThat(store.attempts().forDelivery("msg_nd")).containsExactly(newOk);
    assertThat(store.deliveries().find("msg_nf")).isPresent();
    assertThat(store.deliveries().list(null, null, null, 10).items()).extracting(Delivery::id)
        .containsExactlyInAnyOrder("msg_or", "msg_nd", "msg_nf");
    // nothing left to prune
    assertThat(store.deliveries().pruneFinishedBefore(cutoff)).isZero();
    assertThat(store.attempts().pruneBefore(cutoff)).isZero();
  }

  private static Delivery filtered(String id, String eventId, String endpointId, Instant at) {
    return new Delivery(id, eventId, endpointId, "order.created", DeliveryStatus.FILTERED, 0, null, null,
        "the endpoint's filter is false", null, at, at);
  }

  @Test
  void listingPagesThroughCompactAndOtherDeliveriesAlikeNewestFirst() {
    List<DeliveryUpdate> batch = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      Instant created = T0.plusSeconds(i / 3); // three per second: ties are ordered by id
      Delivery d = i % 2 == 0 ? delivered("msg_" + i, "evt_" + i, "ep_1", created)
          : delivery("msg_" + i, "ep_1", DeliveryStatus.DELIVERED, created, null);
      batch.add(update(d, i % 2 == 0 ? success("att_" + i, d) : null));
      expected.add(0, "msg_" + i);
    }
    store.recordDeliveries(batch, true);
    for (String endpoint : new String[] {null, "ep_1"}) {
      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        DeliveryPage page = store.deliveries().list(endpoint, DeliveryStatus.DELIVERED, cursor, 2);
        page.items().forEach(d -> seen.add(d.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(seen).containsExactlyElementsOf(expected);
    }
  }
}
