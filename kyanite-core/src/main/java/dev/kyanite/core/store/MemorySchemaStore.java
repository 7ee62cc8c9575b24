package dev.kyanite.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link SchemaStore} in memory (tests). Thread-safe (one monitor). */
final class MemorySchemaStore implements SchemaStore {
  private final Map<String, StoredSchema> latest = new TreeMap<>();
  private final Map<String, Integer> highestVersion = new HashMap<>();

  @Override
  public synchronized StoredSchema put(String type, String schema, Instant at) {
    int version = highestVersion.merge(type, 1, Integer::sum);
    StoredSchema s = new StoredSchema(type, version, schema, at);
    latest.put(type, s);
    return s;
  }

  @Override
  public synchronized Optional<StoredSchema> latest(String type) {
    return Optional.ofNullable(latest.get(type));
  }

  @Override
  public synchronized List<StoredSchema> listLatest() {
    return new ArrayList<>(latest.values());
  }

  @Override
  public synchronized boolean delete(String type) {
    return latest.remove(type) != null;
  }
}
