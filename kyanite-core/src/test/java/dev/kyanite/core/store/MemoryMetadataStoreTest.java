package dev.kyanite.core.store;

class MemoryMetadataStoreTest extends MetadataStoreContract {
  @Override
  protected MetadataStore openStore() {
    return new MemoryMetadataStore();
  }
}
