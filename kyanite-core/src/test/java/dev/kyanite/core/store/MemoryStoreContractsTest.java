package dev.kyanite.core.store;

import org.junit.jupiter.api.Nested;

/** The ingest-owned sub-store contracts against {@link MemoryMetadataStore}. */
class MemoryStoreContractsTest {
  @Nested
  class Schemas extends SchemaStoreContract {
    @Override
    protected MetadataStore newStore() {
      return new MemoryMetadataStore();
    }
  }

  @Nested
  class EventIndex extends EventIndexStoreContract {
    @Override
    protected MetadataStore newStore() {
      return new MemoryMetadataStore();
    }
  }
}
