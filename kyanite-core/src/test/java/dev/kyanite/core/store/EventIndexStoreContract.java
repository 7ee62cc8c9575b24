package dev.kyanite.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of {@link EventIndexStore}; every MetadataStore backend runs it (subclass and supply a fresh store). */
public abstract class EventIndexStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private MetadataStore store;

  /** A fresh, empty store; closed after each test. */
  protected abstract MetadataStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static IndexedEvent ev(String id, int p, long pos, Instant at, String key) {
    return new IndexedEvent(id, p, pos, at, key, key == null ? null : "hash-" + key);
  }

  @Test
  void findsEventsByIdAndByIdempotencyKey() {
    EventIndexStore s = store.eventIndex();
    IndexedEvent a = ev("evt_a", 0, 0, T0, "k:a");
    IndexedEvent b = ev("evt_b", 1, 0, T0, null);
    s.putAll(List.of(a, b));
    assertThat(s.findById("evt_a")).containsExactly(a);
    assertThat(s.findById("evt_b")).containsExactly(b);
    assertThat(s.findById("evt_c")).isEmpty();
    assertThat(s.findByIdempotencyKey("k:a")).contains(a);
    assertThat(s.findByIdempotencyKey("k:b")).isEmpty();
  }

  @Test
  void reindexingTheSamePositionsIsHarmless() {
    EventIndexStore s = store.eventIndex();
    IndexedEvent a = ev("evt_a", 0, 5, T0, "k");
    s.putAll(List.of(a));
    s.putAll(List.of(a));
    assertThat(s.findById("evt_a")).containsExactly(a);
    assertThat(s.findByIdempotencyKey("k")).contains(a);
  }

  @Test
  void aKeyMapsToTheLatestEventThatCarriedIt() {
    EventIndexStore s = store.eventIndex();
    s.putAll(List.of(ev("evt_1", 0, 0, T0, "k")));
    IndexedEvent later = ev("evt_2", 0, 1, T0.plusSeconds(90_000), "k");
    s.putAll(List.of(later));
    assertThat(s.findByIdempotencyKey("k")).contains(later);
  }

  @Test
  void sameIdFromTwoSourcesIsListedOldestFirst() {
    EventIndexStore s = store.eventIndex();
    IndexedEvent first = ev("dup", 0, 0, T0, "ce:a:dup");
    IndexedEvent second = ev("dup", 1, 0, T0.plusSeconds(1), "ce:b:dup");
    s.putAll(List.of(second, first));
    assertThat(s.findById("dup")).containsExactly(first, second);
  }

  @Test
  void pruningKeysForgetsOnlyOldKeysAndKeepsTheIndex() {
    EventIndexStore s = store.eventIndex();
    IndexedEvent old = ev("evt_old", 0, 0, T0, "old");
    IndexedEvent fresh = ev("evt_new", 0, 1, T0.plusSeconds(100), "new");
    s.putAll(List.of(old, fresh));
    assertThat(s.pruneIdempotencyKeys(T0.plusSeconds(50))).isEqualTo(1);
    assertThat(s.findByIdempotencyKey("old")).isEmpty();
    assertThat(s.findByIdempotencyKey("new")).contains(fresh);
    assertThat(s.findById("evt_old")).containsExactly(old);
  }

  @Test
  void streamsTheKeysReceivedSinceAnInstant() {
    EventIndexStore s = store.eventIndex();
    s.putAll(List.of(ev("a", 0, 0, T0, "old"), ev("b", 0, 1, T0.plusSeconds(10), "new"), ev("c", 0, 2, T0.plusSeconds(20), null)));
    List<String> keys = new java.util.ArrayList<>();
    s.forEachIdempotencyKey(T0.plusSeconds(5), keys::add);
    assertThat(keys).containsExactly("new");
  }

  @Test
  void pruningBelowAPositionDropsOnlyThatPartitionsOlderEntries() {
    EventIndexStore s = store.eventIndex();
    s.putAll(List.of(ev("a", 0, 0, T0, null), ev("b", 0, 1, T0, null), ev("c", 0, 2, T0, null), ev("d", 1, 0, T0, null)));
    assertThat(s.pruneBelow(0, 2)).isEqualTo(2);
    assertThat(s.findById("a")).isEmpty();
    assertThat(s.findById("b")).isEmpty();
    assertThat(s.findById("c")).hasSize(1);
    assertThat(s.findById("d")).hasSize(1);
  }

  @Test
  void putsManyInOneCall() {
    EventIndexStore s = store.eventIndex();
    List<IndexedEvent> many = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) many.add(ev("evt_" + i, i % 4, i / 4, T0, i % 2 == 0 ? "k" + i : null));
    s.putAll(many);
    assertThat(s.findById("evt_1999")).hasSize(1);
    assertThat(s.findByIdempotencyKey("k1998")).isPresent();
  }

  @Test
  void spansAreFoundByAnyMillisecondOfTheirRange() {
    EventIndexStore s = store.eventIndex();
    long t = T0.toEpochMilli();
    EventSpan a = new EventSpan(0, 0, 99, t, t + 40);
    EventSpan b = new EventSpan(0, 100, 149, t + 40, t + 1_000);
    EventSpan c = new EventSpan(2, 7, 7, t + 2_000, t + 2_000);
    s.putAll(List.of(), List.of(a, b, c));
    assertThat(s.spansAt(t)).containsExactly(a);
    assertThat(s.spansAt(t + 40)).containsExactlyInAnyOrder(a, b);
    assertThat(s.spansAt(t + 1_000)).containsExactly(b);
    assertThat(s.spansAt(t + 1_001)).isEmpty();
    assertThat(s.spansAt(t + 2_000)).containsExactly(c);
    assertThat(s.spansAt(t - 1)).isEmpty();
  }

  @Test
  void reputtingASpanReplacesItAndOverlapsAreKept() {
    EventIndexStore s = store.eventIndex();
    long t = T0.toEpochMilli();
    s.putAll(List.of(), List.of(new EventSpan(1, 10, 19, t, t + 5)));
    EventSpan wider = new EventSpan(1, 10, 29, t, t + 9);
    EventSpan overlapping = new EventSpan(1, 15, 29, t + 3, t + 9); // a re-index after a crash may cut differently
    s.putAll(List.of(), List.of(wider, overlapping));
    assertThat(s.spansAt(t + 4)).containsExactlyInAnyOrder(wider, overlapping);
  }

  @Test
  void pruningDropsSpansThatEndBelowThePosition() {
    EventIndexStore s = store.eventIndex();
    long t = T0.toEpochMilli();
    EventSpan old = new EventSpan(0, 0, 9, t, t);
    EventSpan straddling = new EventSpan(0, 10, 19, t, t);
    EventSpan otherPartition = new EventSpan(1, 0, 9, t, t);
    s.putAll(List.of(), List.of(old, straddling, otherPartition));
    assertThat(s.pruneBelow(0, 15)).isEqualTo(1);
    assertThat(s.spansAt(t)).containsExactlyInAnyOrder(straddling, otherPartition);
  }

  @Test
  void spansRefuseInvertedOrTooWideRanges() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EventSpan(0, 5, 4, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EventSpan(0, 0, 4, 0, EventSpan.MAX_MILLIS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
