package dev.kyanite.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of {@link SchemaStore}; every MetadataStore backend runs it (subclass and supply a fresh store). */
public abstract class SchemaStoreContract {
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

  @Test
  void firstPutIsVersionOneAndEachChangeAddsAVersion() {
    SchemaStore s = store.schemas();
    assertThat(s.put("order.created", "{\"type\":\"object\"}", T0).version()).isEqualTo(1);
    StoredSchema v2 = s.put("order.created", "{\"type\":\"array\"}", T0.plusSeconds(1));
    assertThat(v2.version()).isEqualTo(2);
    assertThat(s.latest("order.created")).contains(v2);
  }

  @Test
  void unknownTypeHasNoSchema() {
    assertThat(store.schemas().latest("nope")).isEmpty();
    assertThat(store.schemas().delete("nope")).isFalse();
  }

  @Test
  void listsTheVersionInForceOfEveryTypeOrderedByType() {
    SchemaStore s = store.schemas();
    s.put("b.type", "{}", T0);
    s.put("a.type", "{}", T0);
    s.put("b.type", "{\"type\":\"string\"}", T0);
    assertThat(s.listLatest()).extracting(StoredSchema::type, StoredSchema::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a.type", 1), org.assertj.core.groups.Tuple.tuple("b.type", 2));
  }

  @Test
  void deleteUnregistersButNeverReusesVersions() {
    SchemaStore s = store.schemas();
    s.put("x.y", "{}", T0);
    s.put("x.y", "{}", T0);
    assertThat(s.delete("x.y")).isTrue();
    assertThat(s.latest("x.y")).isEmpty();
    assertThat(s.listLatest()).isEmpty();
    assertThat(s.put("x.y", "{}", T0).version()).isEqualTo(3);
  }

  @Test
  void keepsTheSchemaTextAndTime() {
    StoredSchema s = store.schemas().put("t.u", "{\"$id\":\"x\", \"type\": \"object\"}", T0);
    assertThat(store.schemas().latest("t.u").orElseThrow()).isEqualTo(s);
    assertThat(s.schema()).isEqualTo("{\"$id\":\"x\", \"type\": \"object\"}");
    assertThat(s.createdAt()).isEqualTo(T0);
  }
}
