package dev.kyanite.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MetadataStore} backend passes. A backend's test extends this class and
 * implements {@link #openStore()} (and {@link #reopenStore()} if it persists). Every sub-store has
 * one {@code @Nested} group here; the author of a sub-store adds its group.
 */
public abstract class MetadataStoreContract {
  protected MetadataStore store;

  /** A fresh, empty store. Called before each test. */
  protected abstract MetadataStore openStore();

  /**
   * Closes nothing; opens a second instance over the same data as the last {@link #openStore()}
   * after the first was closed, or returns {@code null} if the backend does not persist.
   */
  protected MetadataStore reopenStore() {
    return null;
  }

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    if (store != null) store.close();
  }

  /** The store after close + reopen; skips the test for non-persistent backends. */
  protected MetadataStore reopened() {
    store.close();
    MetadataStore again = reopenStore();
    store = again;
    assumeTrue(again != null, "backend does not persist");
    return again;
  }

  protected static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reportsHealthyWhenOpen() {
    assertThat(store.check().ok()).isTrue();
  }

  @Nested
  class Keys {
    private final Instant t0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    private ApiKey key(String id, String secret, Set<String> scopes, Double rate) {
      return new ApiKey(id, "name-" + id, sha256(secret), scopes, rate, t0, null);
    }

    @Test
    void createdKeyIsFoundByHashAndIdWithEveryField() {
      store.keys().create(key("key_a", "s-a", Set.of("events:write", "events:read"), 12.5));
      ApiKey byHash = store.keys().findByHash(sha256("s-a")).orElseThrow();
      assertThat(byHash.id()).isEqualTo("key_a");
      assertThat(byHash.name()).isEqualTo("name-key_a");
      assertThat(byHash.hash()).isEqualTo(sha256("s-a"));
      assertThat(byHash.scopes()).containsExactlyInAnyOrder("events:write", "events:read");
      assertThat(byHash.rateLimit()).isEqualTo(12.5);
      assertThat(byHash.createdAt()).isEqualTo(t0);
      assertThat(byHash.active()).isTrue();
      assertThat(store.keys().findById("key_a").orElseThrow().hash()).isEqualTo(sha256("s-a"));
    }

    @Test
    void missingKeysAreEmptyNotErrors() {
      assertThat(store.keys().findByHash(sha256("nope"))).isEmpty();
      assertThat(store.keys().findById("key_nope")).isEmpty();
      assertThat(store.keys().revoke("key_nope", t0)).isFalse();
      assertThat(store.keys().list()).isEmpty();
    }

    @Test
    void nullRateLimitMeansServerDefault() {
      store.keys().create(key("key_b", "s-b", Set.of("admin"), null));
      assertThat(store.keys().findById("key_b").orElseThrow().rateLimit()).isNull();
    }

    @Test
    void listsOldestFirstIncludingRevoked() {
      store.keys().create(key("key_1", "s1", Set.of("admin"), null));
      store.keys().create(key("key_2", "s2", Set.of("events:read"), null));
      store.keys().create(key("key_3", "s3", Set.of("events:write"), null));
      store.keys().revoke("key_2", t0.plusSeconds(1));
      List<ApiKey> all = store.keys().list();
      assertThat(all).extracting(ApiKey::id).containsExactly("key_1", "key_2", "key_3");
      assertThat(all.get(1).active()).isFalse();
    }

    @Test
    void revokeMarksKeyRevokedOnceAndKeepsIt() {
      store.keys().create(key("key_r", "sr", Set.of("admin"), null));
      assertThat(store.keys().revoke("key_r", t0.plusSeconds(5))).isTrue();
      assertThat(store.keys().revoke("key_r", t0.plusSeconds(9))).isFalse();
      ApiKey k = store.keys().findByHash(sha256("sr")).orElseThrow();
      assertThat(k.active()).isFalse();
      assertThat(k.revokedAt()).isEqualTo(t0.plusSeconds(5));
    }

    @Test
    void duplicateIdOrHashIsRejected() {
      store.keys().create(key("key_d", "sd", Set.of("admin"), null));
      assertThatThrownBy(() -> store.keys().create(key("key_d", "other", Set.of("admin"), null)))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> store.keys().create(key("key_e", "sd", Set.of("admin"), null)))
          .isInstanceOf(StoreException.class);
      assertThat(store.keys().list()).hasSize(1);
    }

    @Test
    void keysSurviveReopen() {
      store.keys().create(key("key_p", "sp", Set.of("events:write"), 3.0));
      store.keys().revoke("key_p", t0.plusSeconds(2));
      MetadataStore again = reopened();
      ApiKey k = again.keys().findByHash(sha256("sp")).orElseThrow();
      assertThat(k.revokedAt()).isEqualTo(t0.plusSeconds(2));
      assertThat(k.rateLimit()).isEqualTo(3.0);
    }
  }

  /** The rule store: the shared {@link RuleStoreContract} on this backend, plus durability across a reopen. */
  @Nested
  class Rules extends RuleStoreContract {
    @Override
    protected MetadataStore openStore() {
      return store;
    }

    @Test
    void rulesVersionsAndRevisionSurviveAReopen() {
      store.rules().put("keep", "{\"actions\":[\"drop\"]}", T0);
      store.rules().put("keep", "{\"actions\":[\"drop\"]}", T1);
      store.rules().put("gone", "{}", T0);
      store.rules().delete("gone", T1);
      long revision = store.rules().revision();
      MetadataStore again = reopened();
      assertThat(again.rules().get("keep").orElseThrow().version()).isEqualTo(2);
      assertThat(again.rules().list()).extracting(StoredRule::name).containsExactly("keep");
      assertThat(again.rules().revision()).isEqualTo(revision);
      assertThat(again.rules().put("gone", "{}", T1).version()).isEqualTo(2);
    }
  }

  @Nested
  class Schemas extends SchemaStoreContract {
    @Override
    protected MetadataStore newStore() {
      return store;
    }

    @Test
    void schemaVersionsSurviveAReopen() {
      store.schemas().put("a.b", "{\"type\":\"string\"}", Instant.parse("2026-01-01T00:00:00Z"));
      store.schemas().put("a.b", "{\"type\":\"integer\"}", Instant.parse("2026-01-01T00:00:01Z"));
      MetadataStore again = reopened();
      assertThat(again.schemas().latest("a.b").orElseThrow().version()).isEqualTo(2);
      assertThat(again.schemas().latest("a.b").orElseThrow().schema()).isEqualTo("{\"type\":\"integer\"}");
    }
  }

  @Nested
  class EventIndex extends EventIndexStoreContract {
    @Override
    protected MetadataStore newStore() {
      return store;
    }

    @Test
    void indexSurvivesAReopen() {
      IndexedEvent e = new IndexedEvent("evt_1", 2, 42, Instant.parse("2026-05-06T07:08:09.123456789Z"), "k", "h");
      store.eventIndex().putAll(List.of(e));
      MetadataStore again = reopened();
      assertThat(again.eventIndex().findById("evt_1")).containsExactly(e);
      assertThat(again.eventIndex().findByIdempotencyKey("k")).contains(e);
    }
  }

  @Nested
  class Deliveries extends DeliveryStoresContract {
    @Override
    protected MetadataStore openStore() {
      return store;
    }

    @Test
    void endpointsScheduledDeliveriesAndAttemptsSurviveAReopen() {
      Instant t = Instant.parse("2026-05-06T07:08:09.123456789Z");
      Delivery d = new Delivery("msg_1", "evt_1", "ep_1", "order.created", DeliveryStatus.RETRYING, 1, t, 503, "http",
          new byte[] {'{', '}'}, t, t);
      Attempt a = new Attempt("att_1", "msg_1", "evt_1", "ep_1", 1, t, 12, 503, "http", "busy");
      store.endpoints().create(endpoint("ep_1"));
      store.deliveries().upsertAll(List.of(d));
      store.attempts().appendAll(List.of(a));
      MetadataStore again = reopened();
      assertThat(again.endpoints().find("ep_1")).contains(endpoint("ep_1"));
      assertThat(again.deliveries().due(t, Set.of(), 10)).singleElement().usingRecursiveComparison().isEqualTo(d);
      assertThat(again.attempts().forDelivery("msg_1")).containsExactly(a);
    }
  }
}
