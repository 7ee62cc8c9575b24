package dev.kyanite.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of {@link RuleStore}. Every {@link MetadataStore} backend extends this with a fresh, empty store per test. */
public abstract class RuleStoreContract {
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  protected static final Instant T1 = T0.plusSeconds(60);
  private MetadataStore store;

  /** A new, empty store. */
  protected abstract MetadataStore openStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close(); // idempotent: a nesting suite may close the same store again
  }

  @Test
  void emptyStoreHasNoRulesAndRevisionZero() {
    assertThat(store.rules().list()).isEmpty();
    assertThat(store.rules().get("x")).isEmpty();
    assertThat(store.rules().revision()).isZero();
    assertThat(store.rules().delete("x", T0)).isFalse();
  }

  @Test
  void putCreatesVersionOneAndReplacingIncrementsIt() {
    StoredRule v1 = store.rules().put("drop-test", "{\"actions\":[\"drop\"]}", T0);
    assertThat(v1).isEqualTo(new StoredRule("drop-test", 1, "{\"actions\":[\"drop\"]}", T0, T0));
    StoredRule v2 = store.rules().put("drop-test", "{\"actions\":[]}", T1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.createdAt()).isEqualTo(T0);
    assertThat(v2.updatedAt()).isEqualTo(T1);
    assertThat(store.rules().get("drop-test")).contains(v2);
  }

  @Test
  void listIsOrderedByName() {
    store.rules().put("b", "{}", T0);
    store.rules().put("a", "{}", T0);
    store.rules().put("c", "{}", T0);
    assertThat(store.rules().list()).extracting(StoredRule::name).containsExactly("a", "b", "c");
  }

  @Test
  void everyChangeIncreasesTheRevision() {
    long r0 = store.rules().revision();
    store.rules().put("a", "{}", T0);
    long r1 = store.rules().revision();
    store.rules().put("a", "{}", T1);
    long r2 = store.rules().revision();
    assertThat(store.rules().delete("a", T1)).isTrue();
    long r3 = store.rules().revision();
    assertThat(r0).isLessThan(r1);
    assertThat(r1).isLessThan(r2);
    assertThat(r2).isLessThan(r3);
    assertThat(store.rules().delete("a", T1)).isFalse();
    assertThat(store.rules().revision()).isEqualTo(r3);
  }

  @Test
  void versionsKeepIncreasingAcrossDeleteAndRecreate() {
    store.rules().put("a", "{}", T0);
    store.rules().put("a", "{}", T0);
    store.rules().delete("a", T1);
    assertThat(store.rules().get("a")).isEmpty();
    StoredRule again = store.rules().put("a", "{\"x\":1}", T1);
    assertThat(again.version()).isEqualTo(3);
    assertThat(again.createdAt()).isEqualTo(T1);
    assertThat(store.rules().list()).containsExactly(again);
  }

  @Test
  void definitionsRoundTripExactly() {
    String def = "{\"match\":{\"condition\":\"event.data.name == 'Zoë ✓'\"},\"actions\":[\"drop\"]}";
    store.rules().put("u", def, T0);
    assertThat(store.rules().get("u").orElseThrow().definition()).isEqualTo(def);
  }
}
