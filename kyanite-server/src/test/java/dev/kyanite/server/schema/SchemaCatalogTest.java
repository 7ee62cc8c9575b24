package dev.kyanite.server.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyanite.core.store.MemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class SchemaCatalogTest {
  private static final ObjectMapper M = new ObjectMapper();
  private final MemoryMetadataStore store = new MemoryMetadataStore();
  private final SchemaCatalog catalog = new SchemaCatalog(store.schemas(), Clock.systemUTC());

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  @Test
  void typesWithoutSchemaAreNotChecked() throws Exception {
    assertThat(catalog.check("a.b", json("{}"), "/data")).isNull();
  }

  @Test
  void violationsListEveryErrorWithPointerKeywordAndMessage() throws Exception {
    catalog.register("order.created", "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0},\"email\":{\"format\":\"email\"}}}");
    SchemaCatalog.Check c = catalog.check("order.created", json("{\"amount\":-1,\"email\":\"x\"}"), "/data");
    assertThat(c.version()).isEqualTo(1);
    assertThat(c.errors()).extracting(FieldError::pointer, FieldError::keyword).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("/data/amount", "minimum"),
        org.assertj.core.groups.Tuple.tuple("/data/email", "format"),
        org.assertj.core.groups.Tuple.tuple("/data/id", "required"));
    assertThat(catalog.check("order.created", json("{\"id\":1,\"amount\":2}"), "/data").valid()).isTrue();
  }

  @Test
  void refusesDocumentsThatAreNotJsonSchemas() {
    assertThatThrownBy(() -> catalog.register("a.b", "{\"type\":\"objectx\"}"))
        .isInstanceOfSatisfying(SchemaCatalog.InvalidSchemaException.class,
            e -> assertThat(e.errors()).extracting(FieldError::pointer).contains("/type"));
    assertThatThrownBy(() -> catalog.register("a.b", "{not json")).isInstanceOf(SchemaCatalog.InvalidSchemaException.class);
    assertThatThrownBy(() -> catalog.register("a.b", "[1]")).isInstanceOf(SchemaCatalog.InvalidSchemaException.class);
    assertThatThrownBy(() -> catalog.register("a.b", "{\"$ref\":\"not.registered\"}"))
        .isInstanceOf(SchemaCatalog.InvalidSchemaException.class);
    assertThat(store.schemas().listLatest()).isEmpty();
  }

  @Test
  void refsResolveToOtherRegisteredSchemasAndFollowTheirChanges() throws Exception {
    catalog.register("money", "{\"type\":\"number\"}");
    catalog.register("order.paid", "{\"type\":\"object\",\"properties\":{\"total\":{\"$ref\":\"money\"}}}");
    assertThat(catalog.check("order.paid", json("{\"total\":\"x\"}"), "/data").errors())
        .extracting(FieldError::pointer).containsExactly("/data/total");
    catalog.register("money", "{\"type\":\"string\"}");
    assertThat(catalog.check("order.paid", json("{\"total\":\"x\"}"), "/data").valid()).isTrue();
    assertThatThrownBy(() -> catalog.delete("money")).isInstanceOf(SchemaCatalog.SchemaInUseException.class)
        .satisfies(e -> assertThat(((SchemaCatalog.SchemaInUseException) e).dependents()).containsExactly("order.paid"));
    assertThat(catalog.check("order.paid", json("{\"total\":\"x\"}"), "/data").valid()).isTrue();
    assertThat(catalog.delete("order.paid")).isTrue();
    assertThat(catalog.delete("money")).isTrue();
  }

  @Test
  void deleteRemovesTheCheckAndReloadRestoresFromTheStore() throws Exception {
    catalog.register("x.y", "{\"type\":\"string\"}");
    SchemaCatalog other = new SchemaCatalog(store.schemas(), Clock.systemUTC());
    other.reload();
    assertThat(other.check("x.y", json("1"), "/data").valid()).isFalse();
    assertThat(catalog.delete("x.y")).isTrue();
    assertThat(catalog.check("x.y", json("1"), "/data")).isNull();
  }
}
