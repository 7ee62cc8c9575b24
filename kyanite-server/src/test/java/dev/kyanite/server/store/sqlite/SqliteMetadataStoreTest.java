package dev.kyanite.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.core.store.MetadataStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  protected MetadataStore openStore() {
    return SqliteMetadataStore.open(dir.resolve("metadata.db"));
  }

  @Override
  protected MetadataStore reopenStore() {
    return SqliteMetadataStore.open(dir.resolve("metadata.db"));
  }

  @Test
  void migratesOnceThenIsCurrent() {
    assertThat(((SqliteMetadataStore) store).migrationsApplied()).contains(1);
    store.close();
    SqliteMetadataStore again = SqliteMetadataStore.open(dir.resolve("metadata.db"));
    store = again;
    assertThat(again.migrationsApplied()).isEmpty();
  }

  @Test
  void discoversMigrationsInVersionOrder() {
    assertThat(Migrations.discover()).containsEntry(1, "V1__keys.sql");
    assertThat(new java.util.ArrayList<>(Migrations.discover().keySet())).isSorted();
  }

  @Test
  void usesWriteAheadLogging() {
    String mode = ((SqliteMetadataStore) store).journalMode();
    assertThat(mode).isEqualToIgnoringCase("wal");
  }
}
