package dev.kyanite.core.store;

class MemoryDeliveryStoresTest extends DeliveryStoresContract {
  @Override
  protected MetadataStore openStore() {
    return new MemoryMetadataStore();
  }
}
