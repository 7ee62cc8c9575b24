package dev.kyanite.core.store;

class MemoryRuleStoreTest extends RuleStoreContract {
  @Override
  protected MetadataStore openStore() {
    return new MemoryMetadataStore();
  }
}
