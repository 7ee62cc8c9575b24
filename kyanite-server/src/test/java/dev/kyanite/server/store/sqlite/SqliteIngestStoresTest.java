package dev.kyanite.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.EventIndexStoreContract;
import dev.kyanite.core.store.IndexedEvent;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.core.store.SchemaStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest sub-store contracts (schemas, event index) against SQLite, plus persistence. */
class SqliteIngestStoresTest {
  @TempDir
  Path dir;

  private MetadataStore fresh() throws Exception {
    return SqliteMetadataStore.open(Files.createTempDirectory(dir, "db").resolve("metadata.db"));
  }

  @Nested
  class Schemas extends SchemaStoreContract {
    @Override
    protected MetadataStore newStore() throws Exception {
      return fresh();
    }
  }

  @Nested
  class EventIndex extends EventIndexStoreContract {
    @Override
    protected MetadataStore newStore() throws Exception {
      return fresh();
    }
  }

  @Test
  void schemasAndIndexSurviveReopen() {
    Path file = dir.resolve("persist.db");
    Instant t = Instant.parse("2026-05-06T07:08:09.123456789Z");
    IndexedEvent e = new IndexedEvent("evt_1", 2, 42, t, "k", "h");
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      s.schemas().put("a.b", "{}", t);
      s.eventIndex().putAll(List.of(e));
    }
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      assertThat(s.schemas().latest("a.b").orElseThrow().version()).isEqualTo(1);
      assertThat(s.eventIndex().findById("evt_1")).containsExactly(e);
      assertThat(s.eventIndex().findByIdempotencyKey("k")).contains(e);
    }
  }
}
