package dev.kyanite.core.store;

import dev.kyanite.core.Health;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link MetadataStore} in memory, for tests. Thread-safe (one monitor per sub-store). */
public final class MemoryMetadataStore implements MetadataStore {
  private final MemoryKeyStore keys = new MemoryKeyStore();
  private final EndpointStore endpoints = new MemoryDeliveryStores.Endpoints();
  private final DeliveryStore deliveries = new MemoryDeliveryStores.Deliveries();
  private final AttemptStore attempts = new MemoryDeliveryStores.Attempts(deliveries);
  private final RuleStore rules = new MemoryRuleStore();
  private final MemorySchemaStore schemas = new MemorySchemaStore();
  private final MemoryEventIndexStore eventIndex = new MemoryEventIndexStore();

  @Override
  public KeyStore keys() {
    return keys;
  }

  @Override
  public EndpointStore endpoints() {
    return endpoints;
  }

  @Override
  public DeliveryStore deliveries() {
    return deliveries;
  }

  @Override
  public AttemptStore attempts() {
    return attempts;
  }

  @Override
  public RuleStore rules() {
    return rules;
  }

  @Override
  public SchemaStore schemas() {
    return schemas;
  }

  @Override
  public EventIndexStore eventIndex() {
    return eventIndex;
  }

  @Override
  public Health check() {
    return Health.OK;
  }

  @Override
  public void close() {}

  private static final class MemoryKeyStore implements KeyStore {
    private final Map<String, ApiKey> byId = new LinkedHashMap<>();

    @Override
    public synchronized void create(ApiKey key) {
      if (byId.containsKey(key.id())) throw new StoreException("duplicate key id " + key.id());
      for (ApiKey k : byId.values()) {
        if (Arrays.equals(k.hash(), key.hash())) throw new StoreException("duplicate key hash");
      }
      byId.put(key.id(), key);
    }

    @Override
    public synchronized Optional<ApiKey> findByHash(byte[] hash) {
      return byId.values().stream().filter(k -> Arrays.equals(k.hash(), hash)).findFirst();
    }

    @Override
    public synchronized Optional<ApiKey> findById(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<ApiKey> list() {
      return new ArrayList<>(byId.values());
    }

    @Override
    public synchronized boolean revoke(String id, Instant at) {
      ApiKey k = byId.get(id);
      if (k == null || !k.active()) return false;
      byId.put(id, new ApiKey(k.id(), k.name(), k.hash(), k.scopes(), k.rateLimit(), k.createdAt(), at));
      return true;
    }
  }
}
